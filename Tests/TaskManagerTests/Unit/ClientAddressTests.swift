import Foundation
import Testing

@testable import TaskManager

@Suite struct ClientAddressTests {
    @Test func forwardedForCountsOnlyFromTrustedProxies() {
        let resolver = ClientAddressResolver(trustedProxies: [IPNetwork("10.0.0.0/8")!, IPNetwork("::1")!])
        #expect(resolver.resolve(peer: "203.0.113.9", forwardedFor: ["1.2.3.4"]) == "203.0.113.9")
        #expect(resolver.resolve(peer: "10.1.2.3", forwardedFor: ["1.2.3.4"]) == "1.2.3.4")
        #expect(resolver.resolve(peer: "10.1.2.3", forwardedFor: ["6.6.6.6, 1.2.3.4, 10.9.9.9"]) == "1.2.3.4")
        #expect(resolver.resolve(peer: "10.1.2.3", forwardedFor: ["6.6.6.6", "1.2.3.4"]) == "1.2.3.4")
        #expect(resolver.resolve(peer: "::1", forwardedFor: []) == "::1")
        #expect(resolver.resolve(peer: nil, forwardedFor: ["1.2.3.4"]) == "unknown")
        #expect(ClientAddressResolver(trustedProxies: []).resolve(peer: "127.0.0.1", forwardedFor: ["1.2.3.4"]) == "127.0.0.1")
    }

    @Test func networksParseAndMatch() {
        #expect(IPNetwork("192.168.0.0/16")!.contains("192.168.44.1"))
        #expect(!IPNetwork("192.168.0.0/16")!.contains("192.169.0.1"))
        #expect(IPNetwork("2001:db8::/32")!.contains("2001:db8:1::5"))
        #expect(!IPNetwork("2001:db8::/32")!.contains("10.0.0.1"))
        #expect(IPNetwork("10.0.0.1")!.contains("10.0.0.1"))
        #expect(!IPNetwork("10.0.0.1")!.contains("10.0.0.2"))
        for bad in ["", "nope", "10.0.0.0/33", "10.0.0/8", "::1/129"] { #expect(IPNetwork(bad) == nil, "\(bad)") }
    }
}
