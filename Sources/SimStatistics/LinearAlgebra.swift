#if canImport(Accelerate)
import Accelerate
#else
import _COpenBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// OpenBLAS, opened on first use instead of by the dynamic loader at start-up: its 15,000
/// relocations and the Fortran runtime it brings were a third of the start-up of every command,
/// most of which (`validate`, `--version`, `help`) compute no statistics.
///
/// The library is found as the dynamic loader would: through the executable's run path (the
/// single-threaded build, which scripts/build-release.sh puts first), then the system's paths.
/// A missing library is a broken installation, as a missing C library would be: procsim says
/// what to install and exits with 70, which is what the dynamic loader would have done (with
/// 127) before anything ran. It is the one place outside the command-line tool that exits.
struct OpenBLAS: @unchecked Sendable {
    let dgemv: procsim_dgemv_t
    let dsyrk: procsim_dsyrk_t
    let dgesv: procsim_dgesv_t
    let setThreads: procsim_set_threads_t

    /// The process's one handle: opened once, immutable, like the library it stands for.
    static let shared = OpenBLAS.open()

    static func open() -> OpenBLAS {
        var problems: [String] = []
        for name in ["libopenblas.so.0", "libopenblas.so"] {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                problems.append(dlerror().map { String(cString: $0) } ?? name)
                continue
            }
            func symbol<T>(_ name: String, as type: T.Type) -> T? {
                dlsym(handle, name).map { unsafeBitCast($0, to: type) }
            }
            if let dgemv = symbol("cblas_dgemv", as: procsim_dgemv_t.self),
               let dsyrk = symbol("cblas_dsyrk", as: procsim_dsyrk_t.self),
               let dgesv = symbol("dgesv_", as: procsim_dgesv_t.self),
               let setThreads = symbol("openblas_set_num_threads", as: procsim_set_threads_t.self) {
                return OpenBLAS(dgemv: dgemv, dsyrk: dsyrk, dgesv: dgesv, setThreads: setThreads)
            }
            problems.append("\(name) lacks cblas_dgemv, cblas_dsyrk, dgesv_ or openblas_set_num_threads")
        }
        let message = "procsim: OpenBLAS could not be loaded (\(problems.joined(separator: "; "))).\n"
            + "Install it with scripts/install-deps.sh, or: apt-get install libopenblas0\n"
        _ = message.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
        exit(70)
    }
}

private func cblas_dgemv(
    _ order: CBLAS_ORDER, _ trans: CBLAS_TRANSPOSE, _ m: Int32, _ n: Int32, _ alpha: Double, _ a: UnsafePointer<Double>,
    _ lda: Int32, _ x: UnsafePointer<Double>, _ incx: Int32, _ beta: Double, _ y: UnsafeMutablePointer<Double>, _ incy: Int32
) {
    OpenBLAS.shared.dgemv(order, trans, m, n, alpha, a, lda, x, incx, beta, y, incy)
}

private func cblas_dsyrk(
    _ order: CBLAS_ORDER, _ uplo: CBLAS_UPLO, _ trans: CBLAS_TRANSPOSE, _ n: Int32, _ k: Int32, _ alpha: Double,
    _ a: UnsafePointer<Double>, _ lda: Int32, _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int32
) {
    OpenBLAS.shared.dsyrk(order, uplo, trans, n, k, alpha, a, lda, beta, c, ldc)
}

private func dgesv_(
    _ n: UnsafePointer<Int32>, _ nrhs: UnsafePointer<Int32>, _ a: UnsafeMutablePointer<Double>, _ lda: UnsafePointer<Int32>,
    _ ipiv: UnsafeMutablePointer<Int32>, _ b: UnsafeMutablePointer<Double>, _ ldb: UnsafePointer<Int32>, _ info: UnsafeMutablePointer<Int32>
) {
    OpenBLAS.shared.dgesv(n, nrhs, a, lda, ipiv, b, ldb, info)
}

private func openblas_set_num_threads(_ count: Int32) {
    OpenBLAS.shared.setThreads(count)
}
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
