import Foundation
import SimStatistics
import Testing

@Suite struct SpecialFunctionTests {
    /// Published two-sided 95% critical values of Student's t (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2).
    @Test(arguments: [(1.0, 12.706205), (2, 4.302653), (4, 2.776445), (10, 2.228139), (19, 2.093024), (30, 2.042272), (100, 1.983972), (1e6, 1.959966)])
    func studentTQuantiles(df: Double, expected: Double) {
        #expect(abs(SpecialFunctions.studentTQuantile(0.975, degreesOfFreedom: df) - expected) < 5e-6)
    }

    @Test func incompleteGammaKnownCases() {
        for x in [0.01, 0.5, 1, 3, 10, 40] {
            #expect(abs(SpecialFunctions.incompleteGamma(1, x) - (1 - exp(-x))) < 1e-13)  // exponential
            #expect(abs(SpecialFunctions.incompleteGamma(0.5, x) - erf(x.squareRoot())) < 1e-12)  // chi-square 1
            // Erlang-3: 1 − e^{−x}(1 + x + x²/2)
            #expect(abs(SpecialFunctions.incompleteGamma(3, x) - (1 - exp(-x) * (1 + x + x * x / 2))) < 1e-12)
        }
    }

    @Test func incompleteBetaKnownCases() {
        for x in [0.1, 0.3, 0.5, 0.9] {
            #expect(abs(SpecialFunctions.incompleteBeta(x, a: 1, b: 1) - x) < 1e-13)
            #expect(abs(SpecialFunctions.incompleteBeta(x, a: 2, b: 1) - x * x) < 1e-13)
            // I_x(1/2, 1/2) = (2/π) arcsin √x
            #expect(abs(SpecialFunctions.incompleteBeta(x, a: 0.5, b: 0.5) - 2 / Double.pi * asin(x.squareRoot())) < 1e-10)
        }
    }
}
