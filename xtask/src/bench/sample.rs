//! One measured figure, as every measurement reports it.

/// A figure measured in this run, named by a stable id such as `decode/typed_1000`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The id rows refer to: criterion's full id, or the `name` a bench binary printed.
    pub id: String,
    /// The figure in `unit`.
    pub value: f64,
    /// What the figure counts.
    pub unit: Unit,
}

/// The kinds of figure. Times are kept in nanoseconds, so rows convert for display only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Time per operation, in nanoseconds (criterion's unit).
    Nanoseconds,
    /// Operations per second.
    PerSecond,
    /// Memory, in MiB.
    Mebibytes,
    /// A plain ratio.
    Ratio,
}

impl Sample {
    /// A time per operation in nanoseconds.
    pub fn nanos(id: impl Into<String>, value: f64) -> Sample {
        Sample {
            id: id.into(),
            value,
            unit: Unit::Nanoseconds,
        }
    }

    /// A rate in operations per second.
    #[cfg(test)]
    pub fn per_second(id: impl Into<String>, value: f64) -> Sample {
        Sample {
            id: id.into(),
            value,
            unit: Unit::PerSecond,
        }
    }

    /// Operations per second for a time or a rate; `None` for other units and for a zero time.
    pub fn speed(&self) -> Option<f64> {
        match self.unit {
            Unit::PerSecond => Some(self.value),
            Unit::Nanoseconds if self.value > 0.0 => Some(1e9 / self.value),
            _ => None,
        }
    }
}
