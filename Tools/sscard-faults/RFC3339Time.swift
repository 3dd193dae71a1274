import Foundation

/// The protocol's times (`2026-12-01T02:00:00.000Z`), read into seconds so
/// that scenarios can compare deadlines with the clocks they measure.
enum RFC3339Time {
    static func seconds(_ text: String?) -> Double? {
        guard let text else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)?.timeIntervalSince1970
    }

    static let week: Double = 7 * 86_400
}
