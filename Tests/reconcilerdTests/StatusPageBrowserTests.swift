import AsteriskDoubles
import Foundation
import Testing
import TestSupport

/// The status page in a real browser: the daemon against the Asterisk doubles and the test
/// Postgres, `/status` loaded by headless Chromium (Debian's `chromium`), asserted on the
/// DOM it renders; the screenshot it takes is docs/status-page.png (RUNBOOK.md shows it).
@Suite("Status page in headless Chromium")
struct StatusPageBrowserTests {
    static let milan = "dograh_1156_3cx_cloud_12611"
    static let evilName = "<script>alert(1)</script>"

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Chromium, or a test failure saying how to install it (never a skip).
    static func chromium() -> String? {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: path) { return path }
        Issue.record("chromium not found: the status page is tested in a real browser (apt-get install chromium)")
        return nil
    }

    static func browse(_ chromium: String, _ arguments: [String]) async throws -> String {
        try await LoopbackTools.run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                               "--user-data-dir=\(FileManager.default.temporaryDirectory.path)/reconcilerd-chromium-\(UUID())"]
                                    + arguments)
    }

    @Test("/status shows the trunk, its registration, and a script-like name as text; /status.json has the same")
    func statusPage() async throws {
        guard let chromium = Self.chromium() else { return }
        try await TestDatabases.with { databases in
            try await AsteriskHarness.with(databases) { asterisk in
                let admin = try await databases.adminDograh()
                try await DograhFixtures.insert(admin, name: "Milan", credentials: DograhFixtures.credentials(password: "sip-secret-page"))
                try await DograhFixtures.insert(admin, organization: 2, name: Self.evilName, credentials: DograhFixtures.credentials(domain: nil))
                let port = try await LoopbackTools.freePort()
                let env = asterisk.environment(databases).merging([
                    "RECONCILERD_INTERVAL": "300ms", "RECONCILERD_LISTEN": "127.0.0.1:\(port)",
                ]) { $1 }
                let daemon = try RunningReconcilerd([], environment: env)
                defer { _ = daemon }
                let base = "http://127.0.0.1:\(port)"
                var json = ""
                let registered = await daemon.waitFor(timeout: .seconds(20)) {
                    json = (try? await LoopbackTools.get(base + "/status.json").body) ?? ""
                    return json.contains("\"status\": \"Registered\"")
                }
                #expect(registered, "\(json)\n\(daemon.output)")

                let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
                #expect(object["schema_version"] as? Int == 1)
                #expect(object["role"] as? String == "leader")
                #expect(object["mode"] as? String == "heal")
                let rows = try #require(object["configurations"] as? [[String: Any]])
                #expect(rows.contains { $0["endpoint_id"] as? String == Self.milan && $0["state"] as? String == "provisioned" })
                #expect(rows.contains { $0["name"] as? String == Self.evilName && $0["state"] as? String == "skipped" })

                let dom = try await Self.browse(chromium, ["--dump-dom", base + "/status"])
                #expect(dom.contains("<td>\(Self.milan)</td>"), "\(dom)")
                #expect(dom.contains("<td>Milan</td>"))
                #expect(dom.contains("<span class=\"registration registered\">Registered</span>"), "\(dom)")
                #expect(dom.contains("<span class=\"leader\">leader</span>"))
                // The name is text in a cell: the serialized DOM escapes it, and there is no script element.
                #expect(dom.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"), "\(dom)")
                #expect(!dom.contains("<script"), "\(dom)")
                for secret in ["sip-secret-page", "ari-secret-xyz", AsteriskHarness.ariPassword, AsteriskHarness.amiSecret, databases.rolePassword] {
                    #expect(!dom.contains(secret) && !json.contains(secret), "leaked \(secret)")
                }

                let screenshot = Self.repository.appendingPathComponent("docs/status-page.png")
                try? FileManager.default.removeItem(at: screenshot)
                _ = try await Self.browse(chromium, ["--window-size=1280,520", "--screenshot=\(screenshot.path)", base + "/status"])
                let png = try Data(contentsOf: screenshot)
                #expect(png.count > 10_000, "screenshot of \(png.count) bytes")
                #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
                #expect(await daemon.stop() == 0)
            }
        }
    }
}
