// Preloaded with NODE_OPTIONS=--require: twilio-cli has no base-URL setting and sends its
// requests through axios, so an axios request interceptor sends them to SWITCHBOARD_URL.
const axios = require("axios");

const target = process.env.SWITCHBOARD_URL;
if (!target) throw new Error("SWITCHBOARD_URL is not set");
axios.interceptors.request.use((config) => {
  config.url = config.url.replace(/^https:\/\/[a-z0-9.-]*twilio\.com/, target);
  return config;
});
