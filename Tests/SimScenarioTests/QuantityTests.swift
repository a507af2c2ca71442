@testable import SimScenario
import Testing

@Suite struct QuantityTests {
    @Test func durationsCarryUnits() {
        #expect(Quantities.duration("90s") == 90)
        #expect(Quantities.duration("30m") == 1800)
        #expect(Quantities.duration("1.5h") == 5400)
        #expect(Quantities.duration("2d") == 172_800)
        #expect(Quantities.duration("1w") == 604_800)
        #expect(Quantities.duration("1h 30m") == 5400)
        #expect(Quantities.duration("1h30m") == 5400)
        #expect(Quantities.duration("-5m") == -300)
        #expect(Quantities.duration("30") == nil)
        #expect(Quantities.duration("30 minutes") == 1800)
        #expect(Quantities.duration("2 days") == 172_800)
        #expect(Quantities.duration("1e3s") == 1000)
        #expect(Quantities.duration("30 fortnights") == nil)
        #expect(Quantities.duration("") == nil)
    }

    @Test func ratesCarryAPeriod() {
        #expect(Quantities.rate("20/day") == 20.0 / 86_400)
        #expect(Quantities.rate("0.9/h") == 0.9 / 3600)
        #expect(Quantities.rate("3/week") == 3.0 / 604_800)
        #expect(Quantities.rate("20") == nil)
        #expect(Quantities.rate("20/month") == nil)
    }

    @Test func fractionsAndPercentages() {
        #expect(Quantities.fraction("15%") == 0.15)
        #expect(Quantities.fraction("0.15") == 0.15)
        #expect(Quantities.fraction("fifteen") == nil)
    }

    @Test func suggestionsCatchTyposOnly() {
        #expect(suggestion(for: "logstics", among: ["sales", "logistics"]) == "logistics")
        #expect(suggestion(for: "stafff", among: ["staff", "queue_limit"]) == "staff")
        #expect(suggestion(for: "qoute", among: ["quote", "credit-check"]) == "quote")
        #expect(suggestion(for: "finance", among: ["sales", "logistics"]) == nil)
    }
}
