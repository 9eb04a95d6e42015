#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Loopback SMTP sink for muster's notification tests.

A tiny hand-written SMTP responder (smtpd is gone from newer Pythons) on
127.0.0.1, port written to PORTFILE. Every accepted message is recorded as
one JSON line in LOGFILE: {"helo", "mail_from", "rcpt_to": [...], "data"}.
A recipient containing "reject" gets 550 (permanent), one containing
"busy" gets 451 (temporary). No TLS, no AUTH.

usage: smtp_sink.py PORTFILE LOGFILE
"""
import json
import os
import socketserver
import sys

PORTFILE, LOGFILE = sys.argv[1:3]


class Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        helo, mail_from, rcpts = "", None, []
        self.reply("220 sink.test ESMTP muster-test")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line.split(" ", 1)[0].upper()
            arg = line[len(verb):].strip()
            if verb in ("EHLO", "HELO"):
                helo = arg
                if verb == "EHLO":
                    self.reply("250-sink.test")
                    self.reply("250-8BITMIME")
                    self.reply("250 SIZE 10485760")
                else:
                    self.reply("250 sink.test")
            elif verb == "MAIL":
                mail_from, rcpts = arg.split(":", 1)[1].strip(), []
                self.reply("250 ok")
            elif verb == "RCPT":
                to = arg.split(":", 1)[1].strip()
                if "reject" in to:
                    self.reply("550 no such user")
                elif "busy" in to:
                    self.reply("451 try again later")
                else:
                    rcpts.append(to)
                    self.reply("250 ok")
            elif verb == "DATA":
                if not rcpts:
                    self.reply("554 no valid recipients")
                    continue
                self.reply("354 end with .")
                data = []
                while True:
                    l = self.rfile.readline()
                    if not l or l in (b".\r\n", b".\n"):
                        break
                    if l.startswith(b".."):
                        l = l[1:]
                    data.append(l)
                rec = {"helo": helo, "mail_from": mail_from, "rcpt_to": rcpts,
                       "data": b"".join(data).decode("utf-8", "replace")}
                with open(LOGFILE, "a", encoding="utf-8") as f:
                    f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                self.reply("250 queued")
            elif verb == "RSET":
                mail_from, rcpts = None, []
                self.reply("250 ok")
            elif verb == "NOOP":
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    with open(PORTFILE + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.replace(PORTFILE + ".tmp", PORTFILE)
    srv.serve_forever()


if __name__ == "__main__":
    main()
