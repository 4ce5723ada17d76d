"""The outside web, as the server under test sees it: an HTTP proxy on loopback that the
server is started behind (HTTP_PROXY), so documents at public URLs, like the guide's
twimlets.com URL, are served by the test, offline and recorded.

It answers twimlets.com/message as that twimlet does (each `Message[n]` said, or played
when it is a URL), any URL registered in `documents`, and 404 otherwise.
"""

import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


def message_twimlet(query):
    """https://www.twilio.com/labs/twimlets/message"""
    params = urllib.parse.parse_qs(query)
    verbs = []
    for i in range(100):
        for value in params.get(f"Message[{i}]", []):
            verb = "Play" if value.startswith(("http://", "https://")) else "Say"
            verbs.append(f"<{verb}>{escape(value)}</{verb}>")
    return '<?xml version="1.0" encoding="UTF-8"?><Response>' + "".join(verbs) + "</Response>"


class Web:
    def __init__(self):
        self.seen = []  # (method, url, headers, body)
        self.documents = {}  # url without query -> TwiML
        self.lock = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self, method):
                length = int(self.headers.get("Content-Length", 0) or 0)
                body = self.rfile.read(length).decode() if length else ""
                url = self.path  # absolute: this is a proxy
                with outer.lock:
                    outer.seen.append((method, url, self.headers, body))
                    outer.lock.notify_all()
                parts = urllib.parse.urlsplit(url)
                bare = urllib.parse.urlunsplit(parts._replace(query=""))
                if parts.netloc == "twimlets.com" and parts.path == "/message":
                    doc = message_twimlet(parts.query)
                else:
                    doc = outer.documents.get(bare)
                if doc is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = doc.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self.answer("GET")

            def do_POST(self):
                self.answer("POST")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.proxy = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def env(self):
        """What the server is started with to browse through this web."""
        return {"HTTP_PROXY": self.proxy, "http_proxy": self.proxy, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}

    def wait_for(self, n, timeout=10):
        with self.lock:
            self.lock.wait_for(lambda: len(self.seen) >= n, timeout=timeout)
            return list(self.seen)

    def close(self):
        self.httpd.shutdown()
