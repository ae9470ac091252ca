"""The project's command lines beside the app (``python -m scripts.<name>``): the scaled stack,
the load generator and its benchmark, the fault drills, the translation and seed tools, the
frontend and search benchmarks. The shell scripts (setup, run, test, lock) sit beside them."""
