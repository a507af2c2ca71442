import Foundation

/// Closed-form queueing results used as test oracles. Rates are per unit time, times in the same unit.
public enum Theory {
    /// M/M/c: probability that an arrival waits (Erlang C).
    public static func erlangC(servers c: Int, arrivalRate lambda: Double, serviceRate mu: Double) -> Double {
        let a = lambda / mu
        let rho = a / Double(c)
        var term = 1.0, sum = 0.0
        for k in 0..<c {
            if k > 0 { term *= a / Double(k) }
            sum += term
        }
        let top = term * a / Double(c) / (1 - rho)  // a^c / c! / (1 − ρ)
        return top / (sum + top)
    }

    /// M/M/c: mean wait in queue.
    public static func mmcMeanWait(servers c: Int, arrivalRate lambda: Double, serviceRate mu: Double) -> Double {
        erlangC(servers: c, arrivalRate: lambda, serviceRate: mu) / (Double(c) * mu - lambda)
    }

    /// M/M/c: mean number in queue.
    public static func mmcMeanQueue(servers c: Int, arrivalRate lambda: Double, serviceRate mu: Double) -> Double {
        lambda * mmcMeanWait(servers: c, arrivalRate: lambda, serviceRate: mu)
    }

    /// M/G/1 (Pollaczek–Khinchine): mean wait in queue from the first two moments of service.
    public static func pollaczekKhinchineWait(arrivalRate lambda: Double, meanService m: Double, secondMoment m2: Double) -> Double {
        lambda * m2 / (2 * (1 - lambda * m))
    }

    /// M/M/1/K: probability that an arrival finds the system full (K places in all).
    public static func mm1kBlocking(rho: Double, capacity k: Int) -> Double {
        (1 - rho) * pow(rho, Double(k)) / (1 - pow(rho, Double(k + 1)))
    }
}

/// Goodness of fit.
public enum FitTests {
    /// The Kolmogorov–Smirnov statistic of a sample against a distribution function.
    public static func ksStatistic(_ sample: [Double], cdf: (Double) -> Double) -> Double {
        let sorted = sample.sorted()
        let n = Double(sorted.count)
        var d = 0.0
        for (i, x) in sorted.enumerated() {
            let f = cdf(x)
            d = max(d, f - Double(i) / n, Double(i + 1) / n - f)
        }
        return d
    }

    /// The asymptotic critical value of the KS statistic at level α for n observations:
    /// √(−ln(α/2) / 2) / √n (Smirnov), accurate for n in the thousands.
    public static func ksCritical(n: Int, alpha: Double) -> Double {
        (-log(alpha / 2) / 2).squareRoot() / Double(n).squareRoot()
    }

    public static func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }

    public static func variance(_ xs: [Double]) -> Double {
        let m = mean(xs)
        return xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)
    }

    /// The sample's fourth central moment, for the standard error of a variance estimate.
    public static func fourthCentralMoment(_ xs: [Double]) -> Double {
        let m = mean(xs)
        return xs.reduce(0) { $0 + pow($1 - m, 4) } / Double(xs.count)
    }
}
