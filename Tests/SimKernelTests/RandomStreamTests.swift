import SimKernel
import Testing
import _SimTestSupport

@Suite struct RandomStreamTests {
    @Test func aDrawIsAPureFunctionOfItsKey() {
        let key = StreamKeying.drawKey(item: 7, step: StreamKeying.hash("order/pick"), visit: 2, purpose: .duration)
        var a = RandomStream(key: key), b = RandomStream(key: key)
        for _ in 0..<100 { #expect(a.nextBits() == b.nextBits()) }
    }

    @Test func namesHashTheSameInEveryProcess() {
        // FNV-1a of "" is the offset basis; the mix of it is fixed. Swift's Hasher would differ per run.
        #expect(StreamKeying.hash("") == StreamKeying.mix(0xcbf2_9ce4_8422_2325))
        #expect(StreamKeying.hash("order/pick") == StreamKeying.hash("order/" + "pick"))
        #expect(StreamKeying.hash("order/pick") != StreamKeying.hash("order/pack"))
    }

    /// Uniforms taken from neighbouring keys (consecutive items, consecutive visits) are uniform
    /// and uncorrelated: KS at α = 0.001, and lag correlations within 4.5/√n of zero.
    @Test func neighbouringKeysGiveIndependentUniforms() {
        let n = 50_000
        let step = StreamKeying.hash("j/s")
        func u(_ item: Int, visit: UInt32, purpose: DrawPurpose = .duration) -> Double {
            var s = RandomStream(key: StreamKeying.drawKey(item: StreamKeying.itemKey(demand: 1, index: item), step: step, visit: visit, purpose: purpose))
            return s.nextOpenUnit()
        }
        let first = (0..<n).map { u($0, visit: 1) }
        let second = (0..<n).map { u($0, visit: 2) }
        let routes = (0..<n).map { u($0, visit: 1, purpose: .route) }
        #expect(FitTests.ksStatistic(first) { $0 } <= FitTests.ksCritical(n: n, alpha: 0.001))
        func correlation(_ x: [Double], _ y: [Double]) -> Double {
            let mx = FitTests.mean(x), my = FitTests.mean(y)
            var sxy = 0.0, sxx = 0.0, syy = 0.0
            for i in x.indices { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); syy += (y[i] - my) * (y[i] - my) }
            return sxy / (sxx * syy).squareRoot()
        }
        let bound = 4.5 / Double(n).squareRoot()
        #expect(abs(correlation(first, second)) < bound, "visit 1 vs visit 2")
        #expect(abs(correlation(first, routes)) < bound, "duration vs route")
        #expect(abs(correlation(Array(first.dropLast()), Array(first.dropFirst()))) < bound, "item i vs item i+1")
    }

    @Test func openUnitNeverReachesZeroOrOne() {
        var s = RandomStream(key: 0)
        for _ in 0..<10_000 {
            let u = s.nextOpenUnit()
            #expect(u > 0 && u < 1)
        }
    }
}
