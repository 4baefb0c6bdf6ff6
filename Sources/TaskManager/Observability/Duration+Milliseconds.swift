extension Duration {
    /// In milliseconds with three decimals, without Foundation's `String(format:)`: the request log's
    /// `duration_ms` and the drain's length.
    var millisecondsText: String {
        let micros = components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000
        let fraction = String(micros % 1000)
        return "\(micros / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
