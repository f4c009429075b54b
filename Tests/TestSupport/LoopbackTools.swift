import Foundation

/// Small helpers shared by the integration suites: an HTTP GET and a free port on loopback
/// (python3's standard library, as the test scripts use it), and running a program.
public enum LoopbackTools {
    /// GET with python3's urllib: status and body (status 0 when nothing answers).
    public static func get(_ url: String, timeout: Int = 5) async throws -> (status: Int, body: String) {
        let script = """
            import sys, urllib.request, urllib.error
            try:
                r = urllib.request.urlopen(sys.argv[1], timeout=\(timeout)); print(r.status); print(r.read().decode())
            except urllib.error.HTTPError as e:
                print(e.code); print(e.read().decode())
            except Exception:
                print(0)
            """
        let result = try await run("/usr/bin/env", ["python3", "-c", script, url])
        let status = Int(result.prefix { $0 != "\n" }) ?? 0
        return (status, String(result.drop { $0 != "\n" }.dropFirst()))
    }

    public static func freePort() async throws -> Int {
        Int(try await run("/usr/bin/env", ["python3", "-c",
            "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Runs a program and returns its stdout (read off the cooperative pool).
    public static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data: Data = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: pipe.fileHandleForReading.readDataToEndOfFile()) }
        }
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
