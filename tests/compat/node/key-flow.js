// twilio-node: create an API key with the account's token, then use only the key.
// Prints the key's SID, then the friendly names of the account's subaccount list as seen
// with the key (a Standard key may not list accounts: prints "refused 20003").
const twilio = require("twilio");

async function main() {
  const accountSid = process.env.TWILIO_ACCOUNT_SID;
  const byToken = twilio(accountSid, process.env.TWILIO_AUTH_TOKEN);
  const key = await byToken.newKeys.create({ friendlyName: "node key" });
  console.log(key.sid);
  const byKey = twilio(key.sid, key.secret, { accountSid });
  const account = await byKey.api.v2010.accounts(accountSid).fetch();
  console.log(account.sid === accountSid ? "fetched-own-account" : "wrong-account");
  try {
    await byKey.api.v2010.accounts.list();
    console.log("listed");
  } catch (e) {
    console.log(`refused ${e.code}`);
  }
  await byToken.keys(key.sid).remove();
  try {
    await byKey.api.v2010.accounts(accountSid).fetch();
    console.log("still-works");
  } catch (e) {
    console.log(`deleted ${e.code}`);
  }
}

main();
