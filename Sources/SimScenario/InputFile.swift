import Foundation
import SystemPackage

/// Reads a file that input chose: a scenario, a base it `extends`, an order book, a baseline.
///
/// A CI gate reads files from pull requests, so a path may name a device that never ends
/// (`/dev/zero`), a FIFO that never answers, a folder or a huge file. Only regular files are
/// read; the size is checked before a byte is read and again while reading (a file may grow);
/// a FIFO is never opened for reading, so nothing blocks.
public enum InputFile {
    /// Why a file was not read. Each case says what was found, in words for the message.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case missing
        case folder
        /// A character or block device, a FIFO, a socket: named by what it is.
        case notRegular(String)
        case tooLarge(bytes: Int64, limit: Int)
        case denied
        case failed(String)

        public var description: String {
            switch self {
            case .missing: return "no such file"
            case .folder: return "it is a folder, not a file"
            case .notRegular(let kind): return "it is \(kind), not a regular file; only regular files are read"
            case .tooLarge(let bytes, let limit):
                return "the file is \(InputFile.size(bytes)); the limit is \(InputFile.size(Int64(limit)))"
            case .denied: return "permission denied"
            case .failed(let reason): return "reading failed (\(reason))"
            }
        }
    }

    /// The whole content of the regular file at `path`, at most `limit` bytes.
    public static func read(_ path: String, limit: Int) throws(Refusal) -> [UInt8] {
        // stat() follows symbolic links: what matters is what the link leads to.
        let before = try kind(of: path, limit: limit)
        let fd: FileDescriptor
        do {
            // Non-blocking, so that a FIFO swapped in after the check cannot hang the process.
            fd = try FileDescriptor.open(FilePath(path), .readOnly, options: [.nonBlocking, .closeOnExec])
        } catch {
            throw refusal(error)
        }
        defer { try? fd.close() }
        // The file opened is the one checked (a swap between the check and the open is refused).
        let opened: Stat
        do { opened = try fd.stat() } catch { throw refusal(error) }
        guard opened.type == .regular, opened.deviceID == before.deviceID, opened.inode == before.inode else {
            throw .notRegular(describe(opened.type))
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(min(opened.size, Int64(limit))))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count: Int
            do {
                count = try chunk.withUnsafeMutableBytes { try fd.read(into: $0) }
            } catch {
                throw refusal(error)
            }
            if count == 0 { break }
            guard bytes.count + count <= limit else { throw .tooLarge(bytes: Int64(bytes.count + count), limit: limit) }
            bytes.append(contentsOf: chunk[..<count])
        }
        return bytes
    }

    /// What is at `path`, refused unless it is a regular file within the limit.
    @discardableResult
    public static func kind(of path: String, limit: Int) throws(Refusal) -> Stat {
        let status: Stat
        do { status = try FilePath(path).stat() } catch { throw refusal(error) }
        switch status.type {
        case .regular: break
        case .directory: throw .folder
        default: throw .notRegular(describe(status.type))
        }
        guard status.size <= Int64(limit) else { throw .tooLarge(bytes: status.size, limit: limit) }
        return status
    }

    static func refusal(_ error: Errno) -> Refusal {
        switch error {
        case .noSuchFileOrDirectory, .notDirectory: return .missing
        case .permissionDenied, .notPermitted: return .denied
        case .isDirectory: return .folder
        case .tooManySymbolicLinkLevels: return .failed("too many levels of symbolic links")
        default: return .failed(error.description)
        }
    }

    static func refusal(_ error: any Error) -> Refusal {
        (error as? Errno).map(refusal) ?? .failed("\(error)")
    }

    static func describe(_ type: FileType) -> String {
        switch type {
        case .characterSpecial: return "a character device"
        case .blockSpecial: return "a block device"
        case .fifo: return "a FIFO (named pipe)"
        case .socket: return "a socket"
        case .directory: return "a folder"
        case .symbolicLink: return "a symbolic link"
        default: return "a special file"
        }
    }

    static func size(_ bytes: Int64) -> String {
        bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : bytes >= 1 << 10 ? "\(bytes >> 10) KiB" : "\(bytes) bytes"
    }
}

/// The folder tree a scenario may read from: the top-level scenario's folder unless a wider
/// root is given (`--root`). A pull request must not make a public CI log print a file from
/// elsewhere on the machine (`extends: ../../../etc/passwd`, a symlink to `/etc/shadow`), so
/// every path named inside a scenario is resolved, symbolic links included, and must lie under it.
public struct ReadRoot: Sendable, Equatable {
    /// The root with symbolic links resolved, without a trailing slash.
    public let path: String

    /// `nil` when the folder does not exist.
    public init?(folder: String) {
        guard let real = Self.realPath(folder.isEmpty ? "." : folder) else { return nil }
        path = real
    }

    /// The root of a top-level scenario file: its folder.
    public init?(scenario file: String) {
        let folder = (file as NSString).deletingLastPathComponent
        self.init(folder: folder.isEmpty ? "." : folder)
    }

    /// Whether `path` leads to a place inside the root: symbolic links resolved where it
    /// exists, `..` resolved by name where it does not (so that nothing is said of what exists
    /// outside).
    public func contains(_ path: String) -> Bool {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let lexical = (absolute as NSString).standardizingPath
        guard inside(lexical) || inside(Self.realPath((lexical as NSString).deletingLastPathComponent) ?? "") else { return false }
        return Self.realPath(path).map(inside) ?? true
    }

    private func inside(_ real: String) -> Bool {
        real == path || real.hasPrefix(path == "/" ? "/" : path + "/")
    }

    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
