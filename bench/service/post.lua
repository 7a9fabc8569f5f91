-- wrk script: POST the JSON in $BODY to the URL's path, keep-alive.
wrk.method = "POST"
wrk.body = os.getenv("BODY")
wrk.headers["Content-Type"] = "application/json"
