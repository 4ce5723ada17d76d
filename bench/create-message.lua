-- wrk script: POST /2010-04-01/Accounts/{sid}/Messages.json from the number in SB_FROM.
wrk.method = "POST"
wrk.body = "To=%2B16518675310&Body=Ahoy+there%21&From=" .. os.getenv("SB_FROM"):gsub("+", "%%2B")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. os.getenv("SB_AUTH")
