// Download the helper library from https://www.twilio.com/docs/node/install
const twilio = require("twilio"); // Or, for ESM: import twilio from "twilio";

// Find your Account SID and Auth Token at twilio.com/console
// and set the environment variables. See http://twil.io/secure
const accountSid = process.env.TWILIO_ACCOUNT_SID;
const authToken = process.env.TWILIO_AUTH_TOKEN;
const subaccountSid = process.env.TWILIO_SUBACCOUNT_SID;
const client = twilio(accountSid, authToken, { accountSid: subaccountSid });

async function createMessage() {
  const message = await client.messages.create({
    body: "Ahoy there!",
    from: "+14158141829",
    to: "+16518675310",
  });

  console.log(message.body);
}

createMessage();
