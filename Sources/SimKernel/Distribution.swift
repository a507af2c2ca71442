#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The distributions analysts use for durations and gaps between arrivals, in seconds.
///
/// Each case stores the parameters sampling needs, already converted (a lognormal keeps μ and σ of
/// the underlying normal). Build values through the static constructors, which take the
/// parameters analysts know (mean and coefficient of variation) and check them.
///
/// | distribution | parameters | mean | variance |
/// |---|---|---|---|
/// | exponential | mean m | m | m² |
/// | deterministic | value v | v | 0 |
/// | uniform | min a, max b | (a+b)/2 | (b−a)²/12 |
/// | triangular | min a, mode c, max b | (a+b+c)/3 | (a²+b²+c²−ab−ac−bc)/18 |
/// | normal truncated at zero | mean μ, sd σ of the normal before truncation | μ + σφ(α)/(1−Φ(α)), α = −μ/σ | see `variance` |
/// | lognormal | mean m, cv c | m | (cm)² |
/// | gamma | mean m, cv c (shape k = 1/c²) | m | (cm)² |
/// | erlang | mean m, phases k | m | m²/k |
/// | weibull | shape k, scale λ | λΓ(1+1/k) | λ²(Γ(1+2/k) − Γ(1+1/k)²) |
/// | hyperexponential | phases (pᵢ, mᵢ), or mean and cv ≥ 1 (balanced means) | Σpᵢmᵢ | 2Σpᵢmᵢ² − mean² |
/// | empirical | observed values xᵢ, resampled with equal weight | mean of xᵢ | population variance of xᵢ |
public enum Distribution: Sendable, Equatable {
    case exponential(mean: Double)
    case deterministic(Double)
    case uniform(min: Double, max: Double)
    case triangular(min: Double, mode: Double, max: Double)
    case truncatedNormal(mean: Double, sd: Double)
    case lognormal(mu: Double, sigma: Double)
    case gamma(shape: Double, scale: Double)
    case weibull(shape: Double, scale: Double)
    case hyperexponential(probabilities: [Double], means: [Double])
    case empirical([Double])

    /// A lognormal given by its own mean and coefficient of variation (sd / mean).
    public static func lognormal(mean: Double, cv: Double) -> Distribution {
        let sigma2 = log1p(cv * cv)
        return .lognormal(mu: log(mean) - sigma2 / 2, sigma: sigma2.squareRoot())
    }

    /// A gamma given by its mean and coefficient of variation.
    public static func gamma(mean: Double, cv: Double) -> Distribution {
        let shape = 1 / (cv * cv)
        return .gamma(shape: shape, scale: mean / shape)
    }

    /// An Erlang: the sum of `phases` exponential stages, with the given overall mean.
    public static func erlang(mean: Double, phases: Int) -> Distribution {
        .gamma(shape: Double(phases), scale: mean / Double(phases))
    }

    /// A two-phase hyperexponential with balanced means (p₁m₁ = p₂m₂), the usual fit to a mean and
    /// a coefficient of variation of at least 1.
    public static func hyperexponential(mean: Double, cv: Double) -> Distribution {
        let c2 = cv * cv
        let p1 = 0.5 * (1 + ((c2 - 1) / (c2 + 1)).squareRoot())
        let p2 = 1 - p1
        return .hyperexponential(probabilities: [p1, p2], means: [mean / (2 * p1), mean / (2 * p2)])
    }

    /// Draws one value. Values are never negative.
    @inlinable @inline(__always)
    public func sample(_ stream: inout RandomStream) -> Double {
        switch self {
        case .exponential(let mean):
            return -mean * log(stream.nextOpenUnit())
        case .deterministic(let value):
            return value
        case .uniform(let a, let b):
            return a + (b - a) * stream.nextOpenUnit()
        case .triangular(let a, let c, let b):
            let u = stream.nextOpenUnit()
            let f = (c - a) / (b - a)
            return u < f
                ? a + ((b - a) * (c - a) * u).squareRoot()
                : b - ((b - a) * (b - c) * (1 - u)).squareRoot()
        case .truncatedNormal(let mean, let sd):
            // Rejection keeps the exact conditional law. The loader takes no negative mean, so at
            // least half of the draws are accepted (two tries on average at worst).
            while true {
                let x = mean + sd * Distribution.standardNormal(&stream)
                if x >= 0 { return x }
            }
        case .lognormal(let mu, let sigma):
            return exp(mu + sigma * Distribution.standardNormal(&stream))
        case .gamma(let shape, let scale):
            return scale * Distribution.standardGamma(shape: shape, &stream)
        case .weibull(let shape, let scale):
            return scale * pow(-log(stream.nextOpenUnit()), 1 / shape)
        case .hyperexponential(let probabilities, let means):
            var u = stream.nextOpenUnit()
            var phase = 0
            while phase < probabilities.count - 1 && u >= probabilities[phase] {
                u -= probabilities[phase]
                phase += 1
            }
            return -means[phase] * log(stream.nextOpenUnit())
        case .empirical(let values):
            let index = Int(stream.nextOpenUnit() * Double(values.count))
            return values[Swift.min(index, values.count - 1)]
        }
    }

    /// Box–Muller, one variate per call: two uniforms each time, so the number of uniforms a draw
    /// uses does not depend on earlier draws.
    @inlinable
    static func standardNormal(_ stream: inout RandomStream) -> Double {
        let r = (-2 * log(stream.nextOpenUnit())).squareRoot()
        return r * cos(2 * Double.pi * stream.nextOpenUnit())
    }

    /// Marsaglia & Tsang (2000), with the u^(1/k) boost for shapes below one.
    @inlinable
    static func standardGamma(shape: Double, _ stream: inout RandomStream) -> Double {
        if shape < 1 {
            let boost = pow(stream.nextOpenUnit(), 1 / shape)
            return standardGamma(shape: shape + 1, &stream) * boost
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = standardNormal(&stream)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = stream.nextOpenUnit()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }
}

extension Distribution {
    /// The exact mean, used for offered-load checks and by tests.
    public var mean: Double {
        switch self {
        case .exponential(let m): return m
        case .deterministic(let v): return v
        case .uniform(let a, let b): return (a + b) / 2
        case .triangular(let a, let c, let b): return (a + b + c) / 3
        case .truncatedNormal(let mu, let sd):
            let alpha = -mu / sd
            return mu + sd * Distribution.phi(alpha) / (1 - Distribution.bigPhi(alpha))
        case .lognormal(let mu, let sigma): return exp(mu + sigma * sigma / 2)
        case .gamma(let k, let theta): return k * theta
        case .weibull(let k, let lambda): return lambda * tgamma(1 + 1 / k)
        case .hyperexponential(let p, let m): return zip(p, m).reduce(0) { $0 + $1.0 * $1.1 }
        case .empirical(let xs): return xs.reduce(0, +) / Double(xs.count)
        }
    }

    /// The exact variance.
    public var variance: Double {
        switch self {
        case .exponential(let m): return m * m
        case .deterministic: return 0
        case .uniform(let a, let b): return (b - a) * (b - a) / 12
        case .triangular(let a, let c, let b): return (a * a + b * b + c * c - a * b - a * c - b * c) / 18
        case .truncatedNormal(let mu, let sd):
            let alpha = -mu / sd
            let lambda = Distribution.phi(alpha) / (1 - Distribution.bigPhi(alpha))
            return sd * sd * (1 + alpha * lambda - lambda * lambda)
        case .lognormal(let mu, let sigma): return (exp(sigma * sigma) - 1) * exp(2 * mu + sigma * sigma)
        case .gamma(let k, let theta): return k * theta * theta
        case .weibull(let k, let lambda):
            let g1 = tgamma(1 + 1 / k)
            return lambda * lambda * (tgamma(1 + 2 / k) - g1 * g1)
        case .hyperexponential(let p, let m):
            let second = zip(p, m).reduce(0) { $0 + 2 * $1.0 * $1.1 * $1.1 }
            return second - mean * mean
        case .empirical(let xs):
            let mu = mean
            return xs.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(xs.count)
        }
    }

    static func phi(_ z: Double) -> Double { exp(-z * z / 2) / (2 * Double.pi).squareRoot() }
    static func bigPhi(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }
}
