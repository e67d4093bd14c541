//! `managedDeviceArchitecture`.

use crate::wire_enum::wire_enum;

wire_enum! {
    /// A processor architecture an image supports: Graph's enum `microsoft.graph.managedDeviceArchitecture`.
    ///
    /// ```
    /// use intune_osimages_model::Architecture;
    /// assert_eq!(Architecture::Arm64.as_str(), "arM64"); // Graph's wire spelling, not "ARM64"
    /// assert_eq!(Architecture::from_wire("riscV64"), Architecture::Other("riscV64".into()));
    /// ```
    ///
    /// Graph adds members, so the enum is `#[non_exhaustive]`: a `match` outside this crate has a `_` arm, and a member
    /// added in a later version does not break it.
    ///
    /// ```compile_fail,E0004
    /// use intune_osimages_model::Architecture;
    /// fn bits(a: &Architecture) -> u8 {
    ///     match a {
    ///         Architecture::Unknown | Architecture::Other(_) => 0,
    ///         Architecture::X86 | Architecture::Arm => 32,
    ///         Architecture::X64 | Architecture::Arm64 => 64,
    ///     }
    /// }
    /// ```
    pub enum Architecture: "managedDeviceArchitecture" {
        /// `unknown` (0).
        Unknown = "unknown",
        /// `x86` (1).
        X86 = "x86",
        /// `x64` (2).
        X64 = "x64",
        /// `arm` (3).
        Arm = "arm",
        /// `arM64` (4); that casing is the wire value.
        Arm64 = "arM64",
    }
}
