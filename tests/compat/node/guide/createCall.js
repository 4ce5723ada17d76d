// Download the helper library from https://www.twilio.com/docs/node/install
const twilio = require("twilio"); // Or, for ESM: import twilio from "twilio";

// Find your Account SID and Auth Token at twilio.com/console
// and set the environment variables. See http://twil.io/secure
const accountSid = process.env.TWILIO_ACCOUNT_SID;
const authToken = process.env.TWILIO_AUTH_TOKEN;
const subaccountSid = process.env.TWILIO_SUBACCOUNT_SID;
const client = twilio(accountSid, authToken, { accountSid: subaccountSid });

async function createCall() {
  const call = await client.calls.create({
    from: "+14158141829",
    to: "+16518675310",
    url: "http://twimlets.com/message?Message%5B0%5D=Hello%20from%20your%20subaccount",
  });

  console.log(call.sid);
}

createCall();
