import Foundation
import Testing
@testable import SimExperiment
@testable import SimModel

/// Shards deal replications so that every one runs exactly once, and a partial result carries
/// each replication's numbers exactly.
@Suite struct ShardDealTests {
    @Test func shardsPartitionEveryRange() {
        for count in [1, 2, 3, 4, 7, 16] {
            for range in [0..<0, 0..<1, 0..<5, 0..<20, 3..<11, 7..<8, 10..<100] {
                let dealt = (1...count).flatMap { Shard(index: $0, count: count)!.units(of: range) }
                #expect(dealt.sorted() == Array(range), "\(count) shards of \(range)")
                for i in 1...count {
                    let shard = Shard(index: i, count: count)!
                    let units = shard.units(of: range)
                    #expect(units == range.filter(shard.owns), "\(shard) of \(range)")
                    #expect(units == units.sorted())
                }
            }
        }
    }

    @Test func shardTextIsRead() {
        #expect(Shard("2/4") == Shard(index: 2, count: 4))
        for bad in ["0/4", "5/4", "1/0", "a/b", "1", "1/2/3", "", "/4", "-1/4", "1/100001"] {
            #expect(Shard(bad) == nil, "\(bad)")
        }
    }

    @Test func partialResultsKeepNumbersBitForBit() throws {
        let awkward: [Double] = [0, -0.0, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                 0.1, 1 / 3, -2.5e-300, Double(bitPattern: 0x7FF8_0000_0000_0001)]
        var output = ReplicationOutput(metrics: awkward, wipSeries: [1, 2], seriesTimes: [], events: 12, modelEvents: 8,
                                       leadTimeMethod: .histogram, leadTimeBins: awkward.reversed(), stepMethod: .exact)
        output.areaBusySeries = [0.5]
        output.leadTimeBinsByDemand = [[1], [], [0.25]]
        var part = PartialResult(procsim: "procsim test", command: "run", arguments: ["x.yaml"], shard: Shard(index: 1, count: 1)!)
        part.experiments = [ExperimentRecord(seed: 9, replications: 1, whole: false, outputs: [ReplicationRecord(replication: 0, output)])]
        let back = try PartialResult.decode(Array(part.encoded()), file: "p.json")
        let merged = try MergedParts([("p.json", back)])
        let o = merged.experiments[0].outputs[0]
        #expect(o.metrics.map(\.bitPattern) == awkward.map(\.bitPattern))
        #expect(o.leadTimeBins.map(\.bitPattern) == awkward.reversed().map(\.bitPattern))
        #expect(o.wipSeries == [1, 2] && o.areaBusySeries == [0.5] && o.leadTimeBinsByDemand == [[1], [], [0.25]])
        #expect(o.events == 12 && o.modelEvents == 8 && o.leadTimeMethod == .histogram && o.stepMethod == .exact)
    }
}
