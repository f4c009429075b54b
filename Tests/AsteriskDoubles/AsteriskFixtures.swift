import Foundation

/// Recorded Asterisk 22.10.1 answers. Read at run time from `Fixtures/` beside this file
/// (copied into the repository so tests never depend on anything outside it), falling
/// back to `<repo>/../shared/reference/asterisk-22.10.1`, where CI keeps the originals.
public enum AsteriskFixtures {
    public static let directory: URL = {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let local = here.appendingPathComponent("Fixtures", isDirectory: true)
        if FileManager.default.fileExists(atPath: local.appendingPathComponent("asterisk_info.json").path) {
            return local
        }
        let repository = here.deletingLastPathComponent().deletingLastPathComponent()
        return repository.deletingLastPathComponent()
            .appendingPathComponent("shared/reference/asterisk-22.10.1", isDirectory: true)
    }()

    public struct Missing: Error, CustomStringConvertible {
        public var name: String
        public var description: String { "fixture \(name) not found in \(AsteriskFixtures.directory.path)" }
    }

    public static func bytes(_ name: String) throws -> [UInt8] {
        let url = directory.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw Missing(name: name) }
        return Array(data)
    }

    public static func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    /// The objects of `ari_events_subscribeall.json`, each as its exact source text: the
    /// capture is an array of what Asterisk sent one per WebSocket text frame.
    public static func eventFrames() throws -> [String] {
        let source = try bytes("ari_events_subscribeall.json")
        var frames: [String] = []
        var depth = 0
        var inString = false
        var escaped = false
        var start: Int?
        for (index, byte) in source.enumerated() {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"):
                if depth == 0 { start = index }
                depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0, let begin = start {
                    frames.append(String(decoding: source[begin...index], as: UTF8.self))
                    start = nil
                }
            default: break
            }
        }
        return frames
    }

    /// Body of a recorded raw HTTP exchange (`http_*.txt`): the bytes after the blank line.
    public static func httpBody(_ name: String) throws -> [UInt8] {
        let raw = try bytes(name)
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let range = raw.firstRange(of: separator) else { return [] }
        return Array(raw[range.upperBound...])
    }
}
