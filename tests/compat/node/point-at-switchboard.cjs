// Preloaded with NODE_OPTIONS=--require: sends twilio-node's requests to Switchboard.
// The only change to the guide's samples is this base URL (SWITCHBOARD_URL).
const RequestClient = require("twilio/lib/base/RequestClient");

const target = process.env.SWITCHBOARD_URL;
if (!target) throw new Error("SWITCHBOARD_URL is not set");
const request = RequestClient.prototype.request;
RequestClient.prototype.request = function (opts) {
  opts.uri = opts.uri.replace(/^https:\/\/[a-z0-9.-]*twilio\.com/, target);
  return request.call(this, opts);
};
