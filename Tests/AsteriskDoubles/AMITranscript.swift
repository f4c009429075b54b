/// Reads the annotated transcript format of `ami_misc_transcript.txt`: `=== title`
/// sections, `<<<` server and `>>>` client blocks, `\r\n` written literally; a line
/// without a literal `\r\n` stands for a bare `\n`.
public struct AMITranscript: Sendable {
    public enum Step: Sendable, Hashable {
        case server([UInt8])
        case client([UInt8])
    }

    public struct Section: Sendable {
        public var title: String
        public var steps: [Step]
    }

    public var sections: [Section]

    public init(annotated text: String) {
        var sections: [Section] = []
        var direction: String?
        var block: [UInt8] = []
        func flush() {
            guard let current = direction, !block.isEmpty, !sections.isEmpty else { return }
            sections[sections.count - 1].steps.append(current == "<<<" ? .server(block) : .client(block))
            block = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("=== ") {
                flush()
                direction = nil
                sections.append(Section(title: String(line.dropFirst(4)), steps: []))
            } else if line.hasPrefix("<<<") || line.hasPrefix(">>>") {
                flush()
                direction = String(line.prefix(3))
            } else if line.isEmpty {
                flush()
            } else if direction != nil {
                if line.hasSuffix("\\r\\n") {
                    block += Array(line.dropLast(4).utf8) + [13, 10]
                } else {
                    block += Array(line.utf8) + [10]
                }
            }
        }
        flush()
        self.sections = sections
    }
}
