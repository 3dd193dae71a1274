import CSQLite
import Foundation

/// What the figures were measured on, for the report's header (the load
/// during the run comes from `LoadSampler`).
enum MachineReport {
    /// CPU, memory, kernel, SQLite, and the file system holding `registryPath`.
    static func describe(registryPath: String) -> [String] {
        let cpus = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        let model = firstValue(in: "/proc/cpuinfo", key: "model name") ?? "unknown CPU"
        let memory = firstValue(in: "/proc/meminfo", key: "MemTotal").map(kibText) ?? "?"
        let available = firstValue(in: "/proc/meminfo", key: "MemAvailable").map(kibText) ?? "?"
        var names = utsname()
        uname(&names)
        let kernel = withUnsafeBytes(of: names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let machine = withUnsafeBytes(of: names.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return [
            "machine: \(cpus) CPUs (\(model)), \(memory) memory (\(available) available at start), "
                + "Linux \(kernel) \(machine), SQLite \(String(cString: sqlite3_libversion()))",
            "disk: " + disk(for: (registryPath as NSString).deletingLastPathComponent),
        ]
    }

    /// "/dev/vda (ext4, mounted at /), 252 GiB, 77 GiB free" for the mount holding `directory`.
    static func disk(for directory: String) -> String {
        let resolved = realpath(directory, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        } ?? directory
        let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
        var mount: [String]?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 3 else { continue }
            let point = fields[1]
            let holds = point == "/" || resolved == point || resolved.hasPrefix(point + "/")
            if holds && point.count > (mount?[1].count ?? -1) { mount = fields }
        }
        var space = statvfs()
        var sizes = ""
        if statvfs(resolved, &space) == 0 {
            let blockSize = Double(space.f_frsize)
            sizes = ", \(gib(Double(space.f_blocks) * blockSize)), \(gib(Double(space.f_bavail) * blockSize)) free"
        }
        guard let mount else { return "\(resolved)\(sizes)" }
        return "registry in \(resolved) on \(mount[0]) (\(mount[2]), mounted at \(mount[1]))\(sizes)"
    }

    private static func firstValue(in file: String, key: String) -> String? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
              let colon = line.firstIndex(of: ":") else { return nil }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    private static func kibText(_ value: String) -> String {
        gib((Double(value.split(separator: " ").first ?? "") ?? 0) * 1024)
    }

    private static func gib(_ bytes: Double) -> String { format(bytes / 1_073_741_824, 1) + " GiB" }
}
