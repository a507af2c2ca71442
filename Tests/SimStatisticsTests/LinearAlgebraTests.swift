import SimStatistics
import Testing

/// BLAS and LAPACK results against the plain-Swift reference.
@Suite struct LinearAlgebraTests {
    static func randomMatrix(rows: Int, columns: Int, seed: UInt64) -> [Double] {
        var state = seed
        return (0..<(rows * columns)).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1.0p-53 * Double(1 + i % columns) * 100  // columns on different scales
        }
    }

    static func column(_ x: [Double], _ c: Int, rows: Int, columns: Int) -> [Double] {
        (0..<rows).map { x[$0 * columns + c] }
    }

    static func close(_ a: Double, _ b: Double, _ tol: Double = 1e-10) -> Bool {
        abs(a - b) <= tol * max(1, abs(a), abs(b))
    }

    @Test(arguments: [(2, 1), (20, 7), (137, 40)])
    func meansAndCovarianceMatchReference(rows: Int, columns: Int) {
        let x = Self.randomMatrix(rows: rows, columns: columns, seed: UInt64(rows * 31 + columns))
        let means = LinearAlgebra.columnMeans(x, rows: rows, columns: columns)
        let cov = LinearAlgebra.covariance(x, rows: rows, columns: columns, means: means)
        for i in 0..<columns {
            let ci = Self.column(x, i, rows: rows, columns: columns)
            #expect(Self.close(means[i], ReferenceStatistics.mean(ci)))
            for j in 0..<columns {
                let cj = Self.column(x, j, rows: rows, columns: columns)
                #expect(Self.close(cov[i * columns + j], ReferenceStatistics.covariance(ci, cj)), "cov[\(i),\(j)]")
            }
        }
    }

    @Test func solveMatchesReference() {
        let n = 6
        var a = Self.randomMatrix(rows: n, columns: n, seed: 99)
        for i in 0..<n { a[i * n + i] += 500 }  // well conditioned
        let b = (0..<n).map { Double($0) - 2.5 }
        let x = LinearAlgebra.solve(a, b, n: n)!
        let reference = ReferenceStatistics.solve(a, b, n: n)!
        for i in 0..<n { #expect(Self.close(x[i], reference[i], 1e-9)) }
        // And it really solves the system.
        for i in 0..<n {
            let row = (0..<n).reduce(0.0) { $0 + a[i * n + $1] * x[$1] }
            #expect(Self.close(row, b[i], 1e-9))
        }
    }

    @Test func singularSystemIsReported() {
        #expect(LinearAlgebra.solve([1, 2, 2, 4], [1, 2], n: 2) == nil)
    }

    /// Columns with undefined values (NaN) are summarised over the replications that define them;
    /// the other columns are untouched by the gap.
    @Test func undefinedValuesAreSkippedPerColumn() {
        let matrix: [Double] = [1, .nan, 3, 10, 2, 4, 5, 20]  // 4 rows × 2 columns
        let s = ReplicationSummary(matrix: matrix, rows: 4, columns: 2)
        #expect(s.estimates[0].n == 4)
        #expect(s.estimates[0].estimate == 2.75)
        #expect(s.estimates[1].n == 3)
        #expect(Self.close(s.estimates[1].estimate!, (10 + 4 + 20) / 3.0))
    }

    /// The interval is mean ± t(0.975, n−1)·s/√n: for 1, 2, 3, 4, 5 that is 3 ± 2.776445·√2.5/√5.
    @Test func confidenceIntervalIsStudentT() {
        let s = ReplicationSummary(matrix: [1, 2, 3, 4, 5], rows: 5, columns: 1)
        let half = 2.7764451051977987 * (2.5 / 5).squareRoot()
        #expect(Self.close(s.estimates[0].ci95!.low, 3 - half, 1e-9))
        #expect(Self.close(s.estimates[0].ci95!.high, 3 + half, 1e-9))
        #expect(ReplicationSummary(matrix: [7], rows: 1, columns: 1).estimates[0].ci95 == nil)
    }
}
