//! `managedDeviceWindowsOperatingSystemEditionType`.

use crate::wire_enum::wire_enum;

wire_enum! {
    /// A Windows edition: Graph's evolvable enum `microsoft.graph.managedDeviceWindowsOperatingSystemEditionType`.
    ///
    /// ```
    /// use intune_osimages_model::EditionType;
    /// assert_eq!(EditionType::ProEducationN.as_str(), "proEducationN");
    /// assert!(!EditionType::from_wire("Enterprise").is_known()); // wire values are case-sensitive
    /// ```
    pub enum EditionType: "managedDeviceWindowsOperatingSystemEditionType" {
        /// `professional` (0).
        Professional = "professional",
        /// `professionalN` (1).
        ProfessionalN = "professionalN",
        /// `enterprise` (2).
        Enterprise = "enterprise",
        /// `enterpriseN` (3).
        EnterpriseN = "enterpriseN",
        /// `education` (4).
        Education = "education",
        /// `educationN` (5).
        EducationN = "educationN",
        /// `proEducation` (6).
        ProEducation = "proEducation",
        /// `proEducationN` (7).
        ProEducationN = "proEducationN",
        /// `proWorkstation` (8).
        ProWorkstation = "proWorkstation",
        /// `proWorkstationN` (9).
        ProWorkstationN = "proWorkstationN",
        /// `unknownFutureValue` (10): Graph's evolvable-enum sentinel.
        UnknownFutureValue = "unknownFutureValue",
    }
}
