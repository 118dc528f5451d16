// Drives Switchboard with RingCentral's official JavaScript SDKs,
// @ringcentral/sdk and @rc-ex/core, unpatched.
//
// Run by tests/http/sdk.rs with the server address and credentials in the
// environment and NODE_PATH pointing at tests/sdk/node_modules; exits
// non-zero on the first surprise.

const { SDK } = require('@ringcentral/sdk');
const RingCentral = require('@rc-ex/core').default;

const env = process.env;
const app = {
  server: env.SB_SERVER,
  clientId: env.SB_CLIENT_ID,
  clientSecret: env.SB_CLIENT_SECRET,
};

function check(condition, what) {
  if (!condition) {
    console.log(`FAILED: ${what}`);
    process.exit(1);
  }
  console.log(`ok: ${what}`);
}

async function ringcentralSdk() {
  const platform = new SDK(app).platform();
  // The SDK sends username=<number>*<extension>.
  const credentials = { username: env.SB_USERNAME, password: env.SB_PASSWORD };
  await platform.login({ ...credentials, extension: env.SB_EXTENSION });
  const me = await (await platform.get('/restapi/v1.0/account/~/extension/~')).json();
  check(me.extensionNumber === env.SB_EXTENSION, '@ringcentral/sdk password login');

  // The refresh carries the TTLs parsed from the previous token.
  await platform.refresh();
  const list = await platform.get('/restapi/v1.0/account/~/extension', { perPage: 2 });
  const page = await list.json();
  const paged = page.records.length === 2 && page.paging.perPage === 2;
  check(paged, '@ringcentral/sdk list after refresh');

  const rule = '/restapi/v1.0/account/~/extension/~/answering-rule/business-hours-rule';
  const changed = await (await platform.put(rule, {
    callHandlingAction: 'UnconditionalForwarding',
    unconditionalForwarding: { phoneNumber: '+15551230000' },
  })).json();
  check(changed.callHandlingAction === 'UnconditionalForwarding',
    '@ringcentral/sdk changes an answering rule');
  try {
    await platform.put(rule, { callHandlingAction: 'Teleport' });
    check(false, 'bad answering rule refused');
  } catch (e) {
    check(e.response && e.response.status === 400 && /callHandlingAction/.test(e.message),
      '@ringcentral/sdk shows the rule validation error');
  }

  try {
    await platform.get('/restapi/v1.0/account/~/extension/999');
    check(false, 'unknown extension refused');
  } catch (e) {
    check(e.response && e.response.status === 404 && /not found/.test(e.message),
      '@ringcentral/sdk shows the error body message');
  }
  await platform.logout();
  check(!(await platform.auth().accessTokenValid()), '@ringcentral/sdk logout');
}

async function rcExtensible() {
  const rc = new RingCentral(app);
  await rc.authorize({ jwt: env.SB_JWT });
  const me = await rc.restapi().account().extension().get();
  check(me.extensionNumber === '101', '@rc-ex/core JWT login');

  const presence = await rc.restapi().account().extension().presence()
    .put({ dndStatus: 'DoNotAcceptAnyCalls' });
  check(presence.dndStatus === 'DoNotAcceptAnyCalls', '@rc-ex/core sets do-not-disturb');

  const token = rc.token;
  await rc.revoke();
  rc.token = token;
  try {
    await rc.restapi().account().extension().get();
    check(false, 'revoked token refused');
  } catch (e) {
    check(e.response && e.response.status === 401, '@rc-ex/core revoke ends the session');
  }
}

(async () => {
  await ringcentralSdk();
  await rcExtensible();
  console.log('ALL OK');
})().catch((e) => {
  console.log(`FAILED: ${e.stack || e}`);
  process.exit(1);
});
