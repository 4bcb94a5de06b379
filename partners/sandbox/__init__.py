"""The partner sandbox: a real HTTP server that answers like Adjust, Kochava, AppsFlyer and an
ad network's callback receiver, records every request and takes fault orders. Tests and the demo
point the partner URLs at it (`manage.py partner_sandbox`)."""
