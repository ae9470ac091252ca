// An independent, certified OpenID Connect provider on loopback, for the interop tests:
// the npm package `oidc-provider` (pinned in package.json) on its spec-following defaults
// (for the code flow, profile and phone claims come from UserInfo, not the ID token).
// Installed by `scripts/setup.sh --test` into .tools/oidc-provider; started by
// tests/adapters/test_interop.py and e2e/test_interop.py through e2e/interop.py.
//
//   OP_PORT=8790 OP_CLIENTS='[{"client_id": "yiwang", ...}]' node e2e/oidc_provider/server.mjs
//
// OP_CLIENTS is a JSON array of client metadata (RFC 7591 names); OP_ISSUER defaults to
// http://127.0.0.1:$OP_PORT. The test accounts are fictional. What is ours here is only what
// the provider needs from its deployer: accounts, a login page, claims and keys. It binds to
// 127.0.0.1 only and must never face the internet.
import crypto from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.env.OP_PORT || 0);
if (!port) {
  console.error('OP_PORT is required');
  process.exit(2);
}
const issuer = process.env.OP_ISSUER || `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.OP_CLIENTS || '[]');

// Assurance levels as this provider publishes them (the acr claim of the ID token).
const LOA = ['urn:cn:gov:loa:1', 'urn:cn:gov:loa:2', 'urn:cn:gov:loa:3'];

const ACCOUNTS = {
  'op-0001': {
    name: '陈立华', national_id_number: '370103194912310025', phone_number: '13911112222', loa: 3,
  },
  'op-0002': {
    name: '刘晓梅', national_id_number: '440106198806060048', phone_number: '13622223333', loa: 2,
  },
  // a login without an ID number (the provider never collected one)
  'op-0003': { name: '黄志强', phone_number: '13733334444', loa: 3 },
  // a login without any assurance level
  'op-0004': {
    name: '周敏', national_id_number: '510107199006250037', phone_number: '13844445555', loa: 0,
  },
};

function key(type, options, extra) {
  const { privateKey } = crypto.generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), ...extra, kid: `${extra.use}-${type}-${crypto.randomUUID().slice(0, 8)}` };
}

const jwks = {
  keys: [
    key('rsa', { modulusLength: 2048 }, { use: 'sig' }), // RS256 and PS256
    key('ec', { namedCurve: 'P-256' }, { use: 'sig' }), // ES256
    key('ed25519', {}, { use: 'sig' }), // EdDSA
  ],
};

const provider = new Provider(issuer, {
  clients,
  jwks,
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  pkce: { required: () => true, methods: ['S256'] },
  acrValues: LOA,
  claims: {
    // the library's defaults, kept: acr, auth_time, sid and iss go into every ID token
    acr: null,
    auth_time: null,
    sid: null,
    iss: null,
    openid: ['sub'],
    profile: ['name'],
    phone: ['phone_number', 'phone_number_verified'],
    national_id: ['national_id_number'],
  },
  enabledJWA: {
    idTokenSigningAlgValues: ['RS256', 'PS256', 'ES256', 'EdDSA'],
    clientAuthSigningAlgValues: ['RS256', 'PS256', 'ES256', 'EdDSA'],
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        const claims = { sub: id, name: account.name, phone_number: account.phone_number, phone_number_verified: true };
        if (account.national_id_number) claims.national_id_number = account.national_id_number;
        return claims;
      },
    };
  },
});
provider.proxy = false;

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res, title, body, status = 200) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(`<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:0 auto;max-width:32rem;padding:1rem;line-height:1.5}
label{display:flex;gap:.75rem;align-items:center;border:1px solid #767676;border-radius:.5rem;padding:.75rem;margin:.5rem 0}
fieldset{border:0;padding:0}button{font:inherit;min-height:2.75rem;padding:.5rem 1.25rem;margin-inline-end:.5rem}</style>
</head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`);
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return page(res, '登录请求无效', '<p>interaction mismatch</p>', 400);
  const { prompt, params } = details;
  if (prompt.name === 'login') {
    if (req.method === 'GET') {
      const options = Object.entries(ACCOUNTS).map(([id, a], i) => `<label><input type="radio" name="account" value="${id}"${i === 0 ? ' checked' : ''}>
<span>${escape(a.name)}</span></label>`).join('');
      return page(res, '标准身份认证登录', `<p>互通测试用的标准 OpenID Connect 提供方（oidc-provider），只有虚构账号。</p>
<form method="post" action="/interaction/${uid}"><fieldset><legend>测试账号</legend>${options}</fieldset>
<button type="submit" name="action" value="login">登录</button>
<button type="submit" name="action" value="cancel">取消</button></form>`);
    }
    const form = await readForm(req);
    const account = ACCOUNTS[form.get('account')];
    if (form.get('action') !== 'login' || !account) {
      return provider.interactionFinished(req, res, {
        error: 'access_denied', error_description: 'End-User aborted interaction',
      }, { mergeWithLastSubmission: false });
    }
    const login = { accountId: form.get('account'), amr: ['pwd'] };
    if (account.loa) login.acr = LOA[account.loa - 1];
    return provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
  }
  if (prompt.name === 'consent') {
    // a first-party client: consent is granted for what it asked
    const { accountId } = details.session;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes || {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  return page(res, '登录请求无效', `<p>unknown prompt ${escape(prompt.name)}</p>`, 400);
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  const match = /^\/interaction\/([\w-]+)$/.exec(req.url.split('?')[0]);
  if (match) {
    interaction(req, res, match[1]).catch((err) => {
      page(res, '登录请求无效', `<p>${escape(err.message)}</p>`, 400);
    });
    return;
  }
  callback(req, res);
});
server.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider ${issuer} listening on 127.0.0.1:${port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
