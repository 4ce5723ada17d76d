// Download the helper library from https://www.twilio.com/docs/node/install
const twilio = require("twilio"); // Or, for ESM: import twilio from "twilio";

// Find your Account SID and Auth Token at twilio.com/console
// and set the environment variables. See http://twil.io/secure
const accountSid = process.env.TWILIO_ACCOUNT_SID;
const authToken = process.env.TWILIO_AUTH_TOKEN;
const subaccountSid = process.env.TWILIO_SUBACCOUNT_SID;
const client = twilio(accountSid, authToken, { accountSid: subaccountSid });

async function listCall() {
  const calls = await client.calls.list({
    startTime: new Date("2018-01-15 00:00:00"),
    limit: 20,
  });

  calls.forEach((c) => console.log(c.price));
}

listCall();
