/// Unix seconds as the status page writes them, without Foundation (the core has no
/// dependencies): ISO 8601 UTC to the second, and a short relative age.
public enum UnixTime {
    /// `2026-12-07T12:30:05Z`.
    public static func iso8601(_ seconds: Double) -> String {
        let total = Int64(seconds.rounded(.down))
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondOfDay = total - days * 86_400
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60))Z"
    }

    /// `12s ago`, `in 4m 10s`, `now`.
    public static func relative(_ seconds: Double, to now: Double) -> String {
        let delta = Int64((seconds - now).rounded())
        guard delta != 0 else { return "now" }
        let magnitude = abs(delta)
        let text = magnitude < 60 ? "\(magnitude)s"
            : magnitude < 3600 ? "\(magnitude / 60)m \(magnitude % 60)s"
            : magnitude < 86_400 ? "\(magnitude / 3600)h \(magnitude % 3600 / 60)m"
            : "\(magnitude / 86_400)d \(magnitude % 86_400 / 3600)h"
        return delta < 0 ? "\(text) ago" : "in \(text)"
    }
}
