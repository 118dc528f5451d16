//! RingCentral's enumerated paging: 1-based `page` and `perPage`.

/// The largest `perPage` RingCentral accepts.
pub const MAX_PER_PAGE: u32 = 1000;

/// A page request. `perPage` is clamped to 1..=1000 and `page` to >= 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: u32,
    pub per_page: u32,
}

impl Default for Page {
    /// Page 1 of 100, RingCentral's default.
    fn default() -> Self {
        Self {
            page: 1,
            per_page: 100,
        }
    }
}

impl Page {
    /// A page, with out-of-range values clamped.
    pub fn new(page: u32, per_page: u32) -> Self {
        Self {
            page: page.max(1),
            per_page: per_page.clamp(1, MAX_PER_PAGE),
        }
    }

    pub(crate) fn limit(self) -> i64 {
        i64::from(Self::new(self.page, self.per_page).per_page)
    }

    pub(crate) fn offset(self) -> i64 {
        let page = Self::new(self.page, self.per_page);
        i64::from(page.page - 1) * i64::from(page.per_page)
    }
}

/// One page of records with the total the `paging` block reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paged<T> {
    pub records: Vec<T>,
    pub page: Page,
    /// Records matching the filter across all pages.
    pub total_elements: u64,
}

impl<T> Paged<T> {
    /// Pages needed for all matching records (0 when there are none).
    pub fn total_pages(&self) -> u64 {
        self.total_elements
            .div_ceil(u64::from(self.page.per_page.max(1)))
    }
}
