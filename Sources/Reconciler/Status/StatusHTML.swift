/// `/status`: the board as one self-contained HTML page (inline CSS, no script, no external
/// asset), refreshed by the browser every 10 s. Every text is escaped: configuration names
/// and reasons come from Dograh's users.
public enum StatusHTML {
    public static func page(_ board: StatusBoard, now: Double) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="refresh" content="10">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>reconcilerd status</title>
            <style>\(style)</style>
            </head><body>
            <h1>reconcilerd</h1>

            """
        html += header(board, now: now)
        if !board.alerts.isEmpty {
            html += "<h2>Open alerts</h2><ul id=\"alerts\">"
            for alert in board.alerts { html += "<li>\(alertText(alert))</li>" }
            html += "</ul>\n"
        }
        html += "<h2>Configurations (\(board.rows.count))</h2>\n"
        if board.lastFullPassAt == nil {
            html += "<p class=\"muted\">No full pass yet.</p>\n"
        }
        html += """
            <table id="configurations"><thead><tr><th>Config</th><th>Organization</th><th>Name</th><th>Endpoint</th>\
            <th>State</th><th>Registration</th><th>Re-register</th><th>Alerts</th></tr></thead><tbody>

            """
        for row in board.rows { html += tableRow(row, now: now) }
        html += "</tbody></table>\n"
        html += "<p class=\"muted\">Also as JSON: <a href=\"/status.json\">/status.json</a> · <a href=\"/metrics\">/metrics</a> · "
            + "<a href=\"/readyz\">/readyz</a>. Generated \(escape(UnixTime.iso8601(now))).</p>\n</body></html>\n"
        return html
    }

    static func header(_ board: StatusBoard, now: Double) -> String {
        var items: [(String, String, String)] = []  // id, label, HTML value
        let role = board.role.map { $0 == .leader ? "leader" : "standby" } ?? "starting"
        items.append(("role", "Role", "<span class=\"\(role)\">\(role)</span>"))
        items.append(("mode", "Mode", escape(board.mode)))
        items.append(("asterisk", "Asterisk", escape(board.asterisk?.rawValue ?? "-")))
        if let pass = board.lastPass {
            // A skipped pass is the cheap check finding Dograh unchanged: normal, not a warning.
            let result = pass.result == .skipped ? "unchanged" : pass.result.rawValue
            items.append(("last-pass", "Last pass", "\(time(pass.at, now: now)) · <span class=\"pass-\(pass.result.rawValue)\">\(result)</span> in \(milliseconds(pass.durationSeconds)) ms"))
        } else {
            items.append(("last-pass", "Last pass", "none yet"))
        }
        items.append(("last-full-pass", "Last full pass", board.lastFullPassAt.map { time($0, now: now) } ?? "none yet"))
        items.append(("next-pass", "Next pass", board.nextPassAt.map { time($0, now: now) } ?? "-"))
        items.append(("started", "Started", time(board.startedAt, now: now)))
        return "<dl id=\"header\">" + items.map { "<div id=\"\($0.0)\"><dt>\($0.1)</dt><dd>\($0.2)</dd></div>" }.joined() + "</dl>\n"
    }

    static func tableRow(_ row: StatusBoard.Row, now: Double) -> String {
        let state = "<span class=\"state \(row.state.rawValue)\">\(row.state.rawValue)</span>"
            + (row.reason.map { "<br><span class=\"reason\">\(escape($0))</span>" } ?? "")
        let registration = row.registration.map { status in
            "<span class=\"registration \(cssClass(status))\">\(escape(status))</span>"
                + (row.registrationSince.map { "<br><span class=\"muted\">since \(time($0, now: now))</span>" } ?? "")
        } ?? "-"
        let reRegister = row.reRegister.map { "\($0.attempts) sent, next \(time($0.nextAt, now: now))" } ?? "-"
        let alerts = row.alerts.isEmpty ? "-" : row.alerts.map(alertText).joined(separator: "<br>")
        let cells = [row.configurationID.map(String.init) ?? "-", row.organizationID.map(String.init) ?? "-"].map(escape)
            + [escape(row.name ?? "(no configuration)"), escape(row.endpointID ?? "-"), state, registration, reRegister, alerts]
        return "<tr class=\"row-\(row.state.rawValue)\">" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
    }

    static func alertText(_ alert: StatusBoard.Alert) -> String {
        "<code>\(escape(alert.event))</code> \(escape(alert.message))"
    }

    static func time(_ seconds: Double, now: Double) -> String {
        "<time datetime=\"\(UnixTime.iso8601(seconds))\">\(UnixTime.iso8601(seconds)) (\(UnixTime.relative(seconds, to: now)))</time>"
    }

    static func milliseconds(_ seconds: Double) -> String {
        String(Int((seconds * 1000).rounded()))
    }

    /// "Registered" → "registered", "no state" → "no-state": a class name from a fixed set.
    static func cssClass(_ status: String) -> String {
        String(status.lowercased().map { $0.isLetter ? $0 : "-" })
    }

    /// Text and attribute values: the five characters HTML gives meaning to.
    public static func escape(_ text: String) -> String {
        guard text.contains(where: { "&<>\"'".contains($0) }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static let style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1a1a1a;background:#fff}\
        h1{font-size:1.4em;margin:0 0 .5em}h2{font-size:1.1em;margin:1.2em 0 .4em}\
        dl#header{display:flex;flex-wrap:wrap;gap:.4em 2em;margin:0}dl#header div{min-width:10em}\
        dt{font-size:.8em;color:#666;text-transform:uppercase}dd{margin:0}\
        table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}\
        th{background:#f4f4f4;font-weight:600}.muted,.reason{color:#666;font-size:.9em}code{font-size:.9em}\
        .state{font-weight:600}.provisioned,.registered,.pass-success,.leader{color:#17702a}\
        .held,.deprovisioning,.standby,.skipped,.unregistered,.not-loaded{color:#8a5a00}\
        .rejected,.pass-error,.orphaned{color:#b00020}tr.row-skipped td,tr.row-inactive td{background:#fafafa}
        """
}
