//! `PageSize`, `Page` and `PageToken` in; the page envelope out. Shared by every list.

use switchboard_store::{PageRequest, PageSlice};
use switchboard_wire::page::{Cursor, Page, PageMeta, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

use crate::error::{ApiError, ApiResult};
use crate::params::Params;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageParams {
    pub size: u32,
    /// The client's page number: only echoed, as Twilio's description says.
    pub page: u32,
    pub cursor: Cursor,
}

impl PageParams {
    pub fn parse(params: &Params) -> ApiResult<Self> {
        let size = match params.get("PageSize") {
            None => DEFAULT_PAGE_SIZE,
            Some(v) => match v.trim().parse::<u64>() {
                // https://www.twilio.com/docs/errors/20007
                Ok(n) if n > u64::from(MAX_PAGE_SIZE) => {
                    return Err(ApiError::bad_request(
                        20007,
                        format!("Page size too large: PageSize must be at most {MAX_PAGE_SIZE}"),
                    ))
                }
                Ok(n) if n >= 1 => n as u32,
                _ => return Err(ApiError::invalid_parameter("PageSize", v)),
            },
        };
        let page = match params.get("Page") {
            None => 0,
            Some(v) => v
                .trim()
                .parse::<u32>()
                .map_err(|_| ApiError::invalid_parameter("Page", v))?,
        };
        let cursor = match params.get("PageToken") {
            None => Cursor::Start,
            // https://www.twilio.com/docs/errors/21481
            Some(t) => Cursor::parse_token(t)
                .ok_or_else(|| ApiError::bad_request(21481, format!("Invalid PageToken '{t}'")))?,
        };
        Ok(PageParams { size, page, cursor })
    }

    pub fn request(&self) -> PageRequest {
        PageRequest {
            size: self.size,
            cursor: self.cursor,
        }
    }
}

fn uri(path: &str, filters: &[(&str, String)], size: u32, page: u32, cursor: Cursor) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in filters {
        q.append_pair(k, v);
    }
    q.append_pair("PageSize", &size.to_string());
    q.append_pair("Page", &page.to_string());
    if let Some(token) = cursor.token() {
        q.append_pair("PageToken", &token);
    }
    format!("{path}?{}", q.finish())
}

/// Wrap a store page in Twilio's envelope. `filters` are the list's filter parameters as the
/// client sent them, echoed in every URI so that following `next_page_uri` keeps them.
pub fn envelope<T>(
    key: &'static str,
    path: &str,
    filters: &[(&str, String)],
    pp: &PageParams,
    slice: PageSlice<T>,
) -> Page<T> {
    let next = match (slice.has_next, slice.last_key) {
        (true, Some(k)) => Some(uri(path, filters, pp.size, pp.page + 1, Cursor::After(k))),
        _ => None,
    };
    let previous = match (slice.has_previous, slice.first_key) {
        (true, Some(k)) => Some(uri(
            path,
            filters,
            pp.size,
            pp.page.saturating_sub(1),
            Cursor::Before(k),
        )),
        _ => None,
    };
    Page {
        key,
        meta: PageMeta {
            page: pp.page,
            page_size: pp.size,
            uri: uri(path, filters, pp.size, pp.page, pp.cursor),
            first_page_uri: uri(path, filters, pp.size, 0, Cursor::Start),
            next_page_uri: next,
            previous_page_uri: previous,
        },
        items: slice.items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str) -> Params {
        Params::from_pairs(form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into(), v.into())))
    }

    #[test]
    fn page_size_bounds_and_codes() {
        assert_eq!(PageParams::parse(&params("")).unwrap().size, 50);
        assert_eq!(
            PageParams::parse(&params("PageSize=1000")).unwrap().size,
            1000
        );
        let code = |q: &str| PageParams::parse(&params(q)).unwrap_err().body().code;
        assert_eq!(code("PageSize=1001"), 20007);
        assert_eq!(code("PageSize=0"), 20422);
        assert_eq!(code("PageSize=abc"), 20422);
        assert_eq!(code("Page=-1"), 20422);
        assert_eq!(code("PageToken=nonsense"), 21481);
    }

    #[test]
    fn envelope_links_carry_filters_and_tokens() {
        let pp = PageParams::parse(&params("PageSize=2&Page=1&PageToken=PA5")).unwrap();
        let slice = PageSlice::from_rows(vec![6, 7, 8], pp.request(), |x| *x);
        let filters = [("FriendlyName", "a b".to_string())];
        let page = envelope(
            "accounts",
            "/2010-04-01/Accounts.json",
            &filters,
            &pp,
            slice,
        );
        assert_eq!(
            page.meta.next_page_uri.as_deref(),
            Some("/2010-04-01/Accounts.json?FriendlyName=a+b&PageSize=2&Page=2&PageToken=PA7")
        );
        assert_eq!(
            page.meta.previous_page_uri.as_deref(),
            Some("/2010-04-01/Accounts.json?FriendlyName=a+b&PageSize=2&Page=0&PageToken=PB6")
        );
        assert_eq!(
            page.meta.first_page_uri,
            "/2010-04-01/Accounts.json?FriendlyName=a+b&PageSize=2&Page=0"
        );
        assert_eq!(
            page.meta.uri,
            "/2010-04-01/Accounts.json?FriendlyName=a+b&PageSize=2&Page=1&PageToken=PA5"
        );
    }
}
