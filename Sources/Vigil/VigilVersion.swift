/// The version of Vigil recorded in run manifests and printed by `vigil --version`.
public enum VigilVersion {
    /// This build's version, e.g. `0.1.0`.
    public static let current = "0.1.0"
}
