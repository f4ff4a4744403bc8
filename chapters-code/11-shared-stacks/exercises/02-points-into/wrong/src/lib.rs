//! Chapter 11, exercise 2: a pointer into a shared stack (a plausible
//! wrong solution: it takes the range's end to be the last byte, so the
//! address one past the top counts as inside).

use std::fmt;

use ch11_shared_stacks::shared_region::SharedRegion;

/// An address that points into a shared region's stack: handed to another
/// tasklet, it would read whoever occupies the region then.
#[derive(Debug, PartialEq, Eq)]
pub struct PointsIntoRegion {
    /// The address.
    pub address: usize,
    /// The region's usable stack.
    pub region: std::ops::Range<usize>,
}

impl fmt::Display for PointsIntoRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "address {:#x} points into a shared stack ({:#x}..{:#x}): keep the data on the heap instead",
            self.address, self.region.start, self.region.end
        )
    }
}

/// Whether `address` lies in `region`'s usable stack.
pub fn points_into(region: &SharedRegion, address: usize) -> bool {
    let usable = region.usable();
    usable.start <= address && address <= usable.end
}

/// `address`, if it is safe to hand to another tasklet: an error if it
/// points into `region`.
///
/// # Errors
///
/// [`PointsIntoRegion`] when `address` lies in `region`'s usable stack.
pub fn hand_out(region: &SharedRegion, address: usize) -> Result<usize, PointsIntoRegion> {
    if points_into(region, address) {
        return Err(PointsIntoRegion {
            address,
            region: region.usable(),
        });
    }
    Ok(address)
}
