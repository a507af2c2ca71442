#if canImport(Accelerate)
import Accelerate
#else
import _COpenBLAS
#endif

/// The one door to BLAS and LAPACK: OpenBLAS on Linux, Accelerate on Apple platforms.
///
/// Matrices are row-major `[Double]` with an explicit column count. Every function has a plain
/// Swift twin in `ReferenceStatistics`, which the tests use as the oracle.
public enum LinearAlgebra {
    /// Runs BLAS on the calling thread only. Replications are already spread over the cores, and
    /// a reduction of a few hundred numbers gains nothing from more threads; it also keeps
    /// summation order, hence results, independent of the thread count.
    public static func useSingleThread() {
        #if !canImport(Accelerate)
        openblas_set_num_threads(1)
        #endif
    }

    /// Column means of a `rows × columns` row-major matrix: `Xᵀ·1 / rows` through `dgemv`.
    public static func columnMeans(_ x: [Double], rows: Int, columns: Int) -> [Double] {
        precondition(x.count == rows * columns && rows > 0)
        let ones = [Double](repeating: 1, count: rows)
        var means = [Double](repeating: 0, count: columns)
        cblas_dgemv(
            CblasRowMajor, CblasTrans, Int32(rows), Int32(columns), 1 / Double(rows),
            x, Int32(columns), ones, 1, 0, &means, 1)
        return means
    }

    /// The sample covariance matrix (divisor `rows − 1`) of the columns, `columns × columns`,
    /// from the centred matrix through `dsyrk`.
    public static func covariance(_ x: [Double], rows: Int, columns: Int, means: [Double]) -> [Double] {
        precondition(rows > 1)
        var centred = x
        for r in 0..<rows {
            for c in 0..<columns { centred[r * columns + c] -= means[c] }
        }
        var cov = [Double](repeating: 0, count: columns * columns)
        cblas_dsyrk(
            CblasRowMajor, CblasUpper, CblasTrans, Int32(columns), Int32(rows),
            1 / Double(rows - 1), centred, Int32(columns), 0, &cov, Int32(columns))
        // dsyrk fills one triangle; mirror it so callers can index either way.
        for i in 0..<columns {
            for j in 0..<i { cov[i * columns + j] = cov[j * columns + i] }
        }
        return cov
    }

    /// Solves `A·x = b` for a square `n × n` row-major `A` through LAPACK's `dgesv`.
    /// Returns `nil` when `A` is singular.
    public static func solve(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
        precondition(a.count == n * n && b.count == n)
        // LAPACK is column-major: transpose on the way in.
        var colMajor = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n { colMajor[j * n + i] = a[i * n + j] }
        }
        var rhs = b
        #if canImport(Accelerate)
        typealias LapackInt = __CLPK_integer
        #else
        typealias LapackInt = Int32
        #endif
        var nn = LapackInt(n), nrhs: LapackInt = 1, lda = LapackInt(n), ldb = LapackInt(n), info: LapackInt = 0
        var pivots = [LapackInt](repeating: 0, count: n)
        dgesv_(&nn, &nrhs, &colMajor, &lda, &pivots, &rhs, &ldb, &info)
        return info == 0 ? rhs : nil
    }
}

/// Plain-Swift versions of the `LinearAlgebra` computations: the test oracle, and the fallback
/// for columns that hold undefined values.
public enum ReferenceStatistics {
    public static func mean(_ xs: [Double]) -> Double {
        xs.reduce(0, +) / Double(xs.count)
    }

    /// Sample variance (divisor n − 1), two-pass.
    public static func variance(_ xs: [Double]) -> Double {
        let m = mean(xs)
        return xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)
    }

    public static func covariance(_ xs: [Double], _ ys: [Double]) -> Double {
        let mx = mean(xs), my = mean(ys)
        var s = 0.0
        for i in xs.indices { s += (xs[i] - mx) * (ys[i] - my) }
        return s / Double(xs.count - 1)
    }

    /// Gaussian elimination with partial pivoting.
    public static func solve(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
        var m = a, rhs = b
        for col in 0..<n {
            let pivot = (col..<n).max { abs(m[$0 * n + col]) < abs(m[$1 * n + col]) }!
            if m[pivot * n + col] == 0 { return nil }
            if pivot != col {
                for j in 0..<n { m.swapAt(col * n + j, pivot * n + j) }
                rhs.swapAt(col, pivot)
            }
            for row in (col + 1)..<n {
                let f = m[row * n + col] / m[col * n + col]
                for j in col..<n { m[row * n + j] -= f * m[col * n + j] }
                rhs[row] -= f * rhs[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var s = rhs[row]
            for j in (row + 1)..<n { s -= m[row * n + j] * x[j] }
            x[row] = s / m[row * n + row]
        }
        return x
    }
}
