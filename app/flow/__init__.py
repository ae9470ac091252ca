"""The one-network application flow (一网通办): form schemas, drafts, submission, tracking."""
