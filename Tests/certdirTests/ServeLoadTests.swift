import CertDirectoryTestSupport
import Foundation
import Testing

/// `certdir serve` against hostile clients on loopback: idle and half-sent
/// connections, a flood of connections past the cap, and the HTTP details
/// (methods, long targets, transfer codings). Every client is a bounded
/// Python socket script; every wait has a deadline.
@Suite(
    "certdir serve under load", .serialized,
    .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct ServeLoadTests {
    let directory: TestDirectory
    let sample: SampleManifest

    init() throws {
        directory = try TestDirectory.require()
        sample = try directory.sample()
    }

    func withServer<T>(_ arguments: [String], uri: String? = nil, _ body: (ServeProcess) throws -> T)
        throws -> T
    {
        let server = try ServeProcess(
            arguments: [
                "--uri", uri ?? directory.ldapURI, "--base", directory.base, "--trust-anchor",
                sample.path(sample.trustAnchor), "--index-refresh", "0", "--no-access-log",
            ] + arguments)
        defer { server.remove() }
        return try body(server)
    }

    /// Runs a Python client script with the port as its argument; its stdout.
    func python(_ script: String, _ port: Int) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("client.py").path
        try Data((Self.prelude + script).utf8).write(to: URL(fileURLWithPath: path))
        let outcome = try CertDirProcess.run(["-c", "timeout 120 python3 '\(path)' \(port)"], shell: true)
        try #require(outcome.status == 0, "client failed: \(outcome.stderr)")
        return outcome.stdout
    }

    static let prelude = """
        import socket, sys, time, json
        port = int(sys.argv[1])
        def connect():
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            return s
        def exchange(data, wait=10):
            s = connect()
            s.settimeout(wait)
            s.sendall(data)
            reply = b""
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk: break
                    reply += chunk
                    head, sep, body = reply.partition(b"\\r\\n\\r\\n")
                    if sep:
                        length = [int(l.split(b":")[1]) for l in head.split(b"\\r\\n") if l.lower().startswith(b"content-length:")]
                        if length and len(body) >= length[0]: break
                        if data.startswith(b"HEAD") and length: break
            except socket.timeout:
                pass
            s.close()
            head, _, body = reply.partition(b"\\r\\n\\r\\n")
            lines = head.decode("latin-1").split("\\r\\n")
            fields = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
            status = int(lines[0].split(" ")[1]) if lines[0].startswith("HTTP/") else 0
            return {"status": status, "headers": fields, "body": body.decode("latin-1")}

        """

    func answers(_ output: String) throws -> [String: [String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [String: Any]])
    }

    @Test(
        "HEAD is a GET without its body; OPTIONS and POST are 405; a 100 KB target is 414 with a reason; xchunked is 501"
    )
    func httpDetails() throws {
        try withServer([]) { server in
            let output = try python(
                """
                big = "/search.cgi?email=" + "a" * 100_000
                print(json.dumps({
                  "get": exchange(b"GET /healthz HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n"),
                  "head": exchange(b"HEAD /healthz HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n", wait=3),
                  "options": exchange(b"OPTIONS /search.cgi HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n"),
                  "post": exchange(b"POST /search.cgi HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3\\r\\nConnection: close\\r\\n\\r\\nabc"),
                  "long": exchange(("GET " + big + " HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n").encode()),
                  "coding": exchange(b"GET /healthz HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: xchunked\\r\\n\\r\\n"),
                }))
                """, server.port)
            let answers = try answers(output)
            let get = try #require(answers["get"])
            let head = try #require(answers["head"])
            #expect(head["status"] as? Int == get["status"] as? Int)
            #expect(head["status"] as? Int == 200, "\(head)")
            #expect((head["body"] as? String)?.isEmpty == true, "\(head)")
            #expect(
                (head["headers"] as? [String: String])?["content-type"]
                    == (get["headers"] as? [String: String])?["content-type"])
            for method in ["options", "post"] {
                let answer = try #require(answers[method])
                #expect(answer["status"] as? Int == 405, "\(method): \(answer)")
                #expect((answer["headers"] as? [String: String])?["allow"] == "GET, HEAD", "\(method): \(answer)")
            }
            let long = try #require(answers["long"])
            #expect(long["status"] as? Int == 414, "\(long)")
            #expect((long["body"] as? String)?.contains("too long") == true, "\(long)")
            let coding = try #require(answers["coding"])
            #expect([400, 501].contains(coding["status"] as? Int ?? 0), "\(coding)")
        }
    }

    @Test("an idle connection is closed after --idle-timeout; a half-sent head gets 408 after --header-timeout")
    func timeouts() throws {
        try withServer(["--idle-timeout", "1", "--header-timeout", "1"]) { server in
            let output = try python(
                """
                idle = connect(); idle.settimeout(20)
                started = time.time()
                closed = idle.recv(100) == b""
                idle_seconds = time.time() - started
                slow = connect(); slow.settimeout(20)
                started = time.time()
                reply = b""
                try:
                    for byte in b"GET /healthz HTTP/1.1\\r\\nHost: x\\r\\nX-Slow: " + b"a" * 100:
                        slow.send(bytes([byte]))
                        time.sleep(0.1)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                try:
                    while True:
                        chunk = slow.recv(1000)
                        if not chunk: break
                        reply += chunk
                except ConnectionResetError:
                    pass
                slow_seconds = time.time() - started
                print(json.dumps({"idle": {"closed": closed, "seconds": idle_seconds},
                                  "slow": {"reply": reply.decode("latin-1"), "seconds": slow_seconds}}))
                """, server.port)
            let answers = try answers(output)
            let idle = try #require(answers["idle"])
            #expect(idle["closed"] as? Bool == true, "\(idle)")
            #expect((idle["seconds"] as? Double ?? 99) < 15, "\(idle)")
            let slow = try #require(answers["slow"])
            #expect((slow["reply"] as? String)?.hasPrefix("HTTP/1.1 408") == true, "\(slow)")
            #expect((slow["seconds"] as? Double ?? 99) < 10, "a trickled head must not outlive the limit: \(slow)")
        }
    }

    @Test("past --max-clients a connection waits until one closes; 300 idle connections leave the server answering")
    func connectionCap() throws {
        try withServer(["--max-clients", "20", "--idle-timeout", "2", "--header-timeout", "2"]) { server in
            let output = try python(
                """
                held = [connect() for _ in range(20)]
                time.sleep(0.3)
                waiting = connect(); waiting.settimeout(1.5)
                waiting.sendall(b"GET /healthz HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n")
                try:
                    early = waiting.recv(100)
                except socket.timeout:
                    early = b""
                held.pop().close()
                waiting.settimeout(20)
                late = waiting.recv(100)
                for s in held: s.close()
                # A flood of idle connections (bounded: 300), then a real request.
                flood = []
                for _ in range(300):
                    try:
                        flood.append(socket.create_connection(("127.0.0.1", port), timeout=5))
                    except OSError:
                        break
                after = exchange(b"GET /healthz HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n", wait=30)
                for s in flood: s.close()
                print(json.dumps({"early": early.decode("latin-1"), "late": late.decode("latin-1"),
                                  "after": after["status"], "flood": len(flood)}))
                """, server.port)
            let answers = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
            #expect((answers["early"] as? String)?.isEmpty == true, "answered past the cap: \(answers)")
            #expect((answers["late"] as? String)?.hasPrefix("HTTP/1.1 ") == true, "\(answers)")
            #expect([200, 503].contains(answers["after"] as? Int ?? 0), "\(answers)")
            let descriptors =
                (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(server.pid)/fd").count) ?? 0
            #expect(descriptors < 300, "open descriptors: \(descriptors)")
        }
    }

    @Test("--retry-interval sets the pause between attempts on a directory that is down (default 30 s)")
    func retryInterval() throws {
        let down = "ldap://127.0.0.1:1"
        for (arguments, bound) in [(["--retry-interval", "7"], 7), ([], 30)] {
            try withServer(arguments, uri: down) { server in
                let output = try python(
                    """
                    exchange(b"GET /search.cgi?email=a@example.com HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n", wait=30)
                    print(json.dumps(exchange(b"GET /healthz HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n", wait=30)))
                    """, server.port)
                let answer = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
                #expect(answer["status"] as? Int == 503, "\(answer)")
                let body = try #require(
                    try JSONSerialization.jsonObject(with: Data((answer["body"] as? String ?? "").utf8))
                        as? [String: Any])
                let formatter = ISO8601DateFormatter()
                let since = try #require((body["since"] as? String).flatMap(formatter.date(from:)), "\(body)")
                let retry = try #require((body["retry_at"] as? String).flatMap(formatter.date(from:)), "\(body)")
                #expect(abs(retry.timeIntervalSince(since) - Double(bound)) <= 1.5, "\(body)")
            }
        }
    }
}
