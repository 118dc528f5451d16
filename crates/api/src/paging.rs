//! RingCentral's enumerated paging: `page`/`perPage` in the query, and the
//! `{uri, records, paging, navigation}` envelope around a list.

use serde::Serialize;

use crate::backend::Slice;
use crate::error::ApiError;
use crate::extract::Pairs;

/// Records per page when the client asks for no `perPage`.
pub const DEFAULT_PER_PAGE: u64 = 100;

/// Largest `perPage` RingCentral accepts (also what `perPage=max` means).
pub const MAX_PER_PAGE: u64 = 1000;

/// The page a client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// 1-based page number.
    pub page: u64,
    /// Records per page, 1 to [`MAX_PER_PAGE`].
    pub per_page: u64,
}

impl PageRequest {
    /// Reads `page` and `perPage`; bad values are CMN-101.
    pub fn from_query(query: &Pairs) -> Result<Self, ApiError> {
        let page = match query.non_empty("page") {
            None => 1,
            Some(text) => {
                parse_in(text, 1, u64::from(u32::MAX)).ok_or(ApiError::InvalidParameter("page"))?
            }
        };
        let per_page = match query.non_empty("perPage") {
            None => DEFAULT_PER_PAGE,
            Some("max") => MAX_PER_PAGE,
            Some(text) => {
                parse_in(text, 1, MAX_PER_PAGE).ok_or(ApiError::InvalidParameter("perPage"))?
            }
        };
        Ok(Self { page, per_page })
    }

    /// Index of the first record on this page.
    pub fn offset(self) -> u64 {
        (self.page - 1) * self.per_page
    }
}

/// The page `request` asks for out of a whole list held in memory.
pub fn page_of<T>(items: Vec<T>, request: PageRequest) -> Slice<T> {
    let total = items.len() as u64;
    let skip = usize::try_from(request.offset()).unwrap_or(usize::MAX);
    let take = usize::try_from(request.per_page).unwrap_or(usize::MAX);
    Slice {
        records: items.into_iter().skip(skip).take(take).collect(),
        total,
    }
}

fn parse_in(text: &str, min: u64, max: u64) -> Option<u64> {
    text.parse::<u64>().ok().filter(|n| (min..=max).contains(n))
}

/// `paging` of the envelope. `page`, `pageStart` and `pageEnd` are absent
/// when the page holds no record, as RingCentral does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Paging {
    /// 1-based page number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    /// Records per page.
    pub per_page: u64,
    /// 0-based index of the first record on this page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_start: Option<u64>,
    /// 0-based index of the last record on this page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_end: Option<u64>,
    /// Pages in the whole list.
    pub total_pages: u64,
    /// Records in the whole list.
    pub total_elements: u64,
}

impl Paging {
    /// Paging for `shown` records on `request`'s page of `total`.
    pub fn new(request: PageRequest, shown: u64, total: u64) -> Self {
        let start = request.offset();
        let (page, page_start, page_end) = if shown == 0 {
            (None, None, None)
        } else {
            (Some(request.page), Some(start), Some(start + shown - 1))
        };
        Self {
            page,
            per_page: request.per_page,
            page_start,
            page_end,
            total_pages: total.div_ceil(request.per_page),
            total_elements: total,
        }
    }
}

/// A link in `navigation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageUri {
    /// Absolute URI of the page.
    pub uri: String,
}

/// `navigation` of the envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Navigation {
    /// Always present.
    pub first_page: PageUri,
    /// Present unless this is the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page: Option<PageUri>,
    /// Present unless this is the first page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_page: Option<PageUri>,
    /// Always present; page 1 when the list is empty.
    pub last_page: PageUri,
}

/// A page of a list in RingCentral's envelope.
#[derive(Debug, Clone, Serialize)]
pub struct Envelope<T> {
    /// Absolute URI of this page.
    pub uri: String,
    /// The records.
    pub records: Vec<T>,
    /// Position of this page.
    pub paging: Paging,
    /// Links to the neighbouring pages.
    pub navigation: Navigation,
}

/// Where a list lives, to print page links: absolute URI without query,
/// and the query pairs other than `page`/`perPage`.
#[derive(Debug, Clone)]
pub struct ListUri {
    base: String,
    filters: Vec<(String, String)>,
}

impl ListUri {
    /// A list at `base` (absolute, no query) filtered by `query`.
    pub fn new(base: String, query: &Pairs) -> Self {
        let filters = query
            .0
            .iter()
            .filter(|(k, _)| k != "page" && k != "perPage")
            .cloned()
            .collect();
        Self { base, filters }
    }

    /// The URI of page `page`.
    pub fn page(&self, page: u64, per_page: u64) -> PageUri {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.extend_pairs(&self.filters);
        query.append_pair("page", &page.to_string());
        query.append_pair("perPage", &per_page.to_string());
        PageUri {
            uri: format!("{}?{}", self.base, query.finish()),
        }
    }
}

impl<T> Envelope<T> {
    /// Wraps one slice of a list.
    pub fn new(slice: Slice<T>, request: PageRequest, list: &ListUri) -> Self {
        let paging = Paging::new(request, slice.records.len() as u64, slice.total);
        let per_page = request.per_page;
        let last = paging.total_pages.max(1);
        let navigation = Navigation {
            first_page: list.page(1, per_page),
            next_page: (request.page < last).then(|| list.page(request.page + 1, per_page)),
            previous_page: (request.page > 1).then(|| list.page(request.page - 1, per_page)),
            last_page: list.page(last, per_page),
        };
        Self {
            uri: list.page(request.page, per_page).uri,
            records: slice.records,
            paging,
            navigation,
        }
    }

    /// Converts the records, keeping the paging.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Envelope<U> {
        Envelope {
            uri: self.uri,
            records: self.records.into_iter().map(f).collect(),
            paging: self.paging,
            navigation: self.navigation,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(page: u64, per_page: u64) -> PageRequest {
        PageRequest { page, per_page }
    }

    #[test]
    fn second_of_five_pages_spans_records_100_to_199() {
        let paging = Paging::new(request(2, 100), 100, 420);
        assert_eq!(paging.page, Some(2));
        assert_eq!(paging.page_start, Some(100));
        assert_eq!(paging.page_end, Some(199));
        assert_eq!(paging.total_pages, 5);
    }

    #[test]
    fn empty_page_omits_position_fields() {
        let json = serde_json::to_value(Paging::new(request(1, 100), 0, 0)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"perPage":100,"totalPages":0,"totalElements":0})
        );
    }

    #[test]
    fn per_page_over_1000_is_refused_and_max_is_1000() {
        let too_big = Pairs::parse(b"perPage=1001");
        assert!(PageRequest::from_query(&too_big).is_err());
        let max = PageRequest::from_query(&Pairs::parse(b"perPage=max&page=3")).unwrap();
        assert_eq!(max, request(3, 1000));
        assert!(PageRequest::from_query(&Pairs::parse(b"page=0")).is_err());
    }

    #[test]
    fn navigation_keeps_filters_and_links_neighbours() {
        let list = ListUri::new("http://h/x".into(), &Pairs::parse(b"status=Enabled&page=2"));
        let slice = Slice {
            records: vec![1, 2],
            total: 6,
        };
        let env = Envelope::new(slice, request(2, 2), &list);
        assert_eq!(env.uri, "http://h/x?status=Enabled&page=2&perPage=2");
        assert_eq!(
            env.navigation.next_page.unwrap().uri,
            "http://h/x?status=Enabled&page=3&perPage=2"
        );
        assert_eq!(
            env.navigation.previous_page.unwrap().uri,
            "http://h/x?status=Enabled&page=1&perPage=2"
        );
        assert_eq!(
            env.navigation.last_page.uri,
            "http://h/x?status=Enabled&page=3&perPage=2"
        );
    }
}
