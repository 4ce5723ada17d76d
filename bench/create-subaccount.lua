-- wrk script: POST /2010-04-01/Accounts.json with Basic auth from SB_AUTH (base64 sid:token).
wrk.method = "POST"
wrk.body = "FriendlyName=bench"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. os.getenv("SB_AUTH")
