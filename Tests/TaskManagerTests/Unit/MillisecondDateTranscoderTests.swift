import Foundation
import OpenAPIRuntime
import Testing

@testable import TaskManager

@Suite struct MillisecondDateTranscoderTests {
    @Test func writesExactlyWhatFoundationsISO8601TranscoderWrites() throws {
        let foundation = ISO8601DateTranscoder.iso8601WithFractionalSeconds
        var generator = SystemRandomNumberGenerator()
        var dates = [0, 0.0005, 0.0015, 59.9996, 951_782_400, 1_709_164_799.9994, 4_102_444_799.999].map(Date.init(timeIntervalSince1970:))
        for _ in 0..<20_000 {
            // Microsecond instants, as the database keeps them, from 1970 to 2100.
            dates.append(Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_102_444_800_000_000, using: &generator)) / 1_000_000))
        }
        for date in dates {
            #expect(try MillisecondDateTranscoder().encode(date) == foundation.encode(date), "\(date.timeIntervalSince1970)")
        }
    }

    @Test func readsWhatItWrites() throws {
        let transcoder = MillisecondDateTranscoder()
        let date = Date(timeIntervalSince1970: 1_764_393_887.61)
        #expect(try transcoder.decode(transcoder.encode(date)).timeIntervalSince1970 == 1_764_393_887.61)
    }
}
