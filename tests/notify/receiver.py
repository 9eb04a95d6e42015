#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Loopback HTTP receiver for muster's notification tests.

Listens on 127.0.0.1 (port 0: any free port, written to PORTFILE), records
every request as one JSON line in LOGFILE: method, path, query (parsed),
headers (lower-case names), body (text) and the receive time. What it
answers is scripted by RESPONSES: each request takes the first line of that
file (and removes it); when the file is empty or missing the request gets
200 and the platform's success body (WeCom/DingTalk {"errcode":0,...},
Feishu {"code":0,...}, else "ok"). Script lines:

    STATUS [BODY]     answer STATUS with BODY (default: empty)
    sleep SECONDS     wait that long before answering 200 (to time out muster)

usage: receiver.py PORTFILE LOGFILE RESPONSES
"""
import json
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORTFILE, LOGFILE, RESPONSES = sys.argv[1:4]


def next_script():
    try:
        with open(RESPONSES, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return None
    lines = [l for l in lines if l.strip()]
    if not lines:
        return None
    with open(RESPONSES, "w", encoding="utf-8") as f:
        f.write("".join(l + "\n" for l in lines[1:]))
    return lines[0]


def default_body(path):
    if "/open-apis/bot" in path:
        return '{"code":0,"msg":"success","data":{}}'
    if "/cgi-bin/webhook" in path or "/robot/send" in path:
        return '{"errcode":0,"errmsg":"ok"}'
    return "ok"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8", "replace")
        url = urllib.parse.urlsplit(self.path)
        rec = {
            "method": self.command,
            "path": url.path,
            "rawquery": url.query,
            "query": dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True)),
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body,
            "at": time.time(),
        }
        script = next_script()
        status, reply = 200, default_body(url.path)
        if script is not None:
            word = script.split(" ", 1)
            if word[0] == "sleep":
                time.sleep(float(word[1]))
            else:
                status = int(word[0])
                reply = word[1] if len(word) > 1 else ""
        rec["answer"] = status
        with open(LOGFILE, "a", encoding="utf-8") as f:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        data = reply.encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = do_POST


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    with open(PORTFILE + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.replace(PORTFILE + ".tmp", PORTFILE)
    srv.serve_forever()


if __name__ == "__main__":
    main()
