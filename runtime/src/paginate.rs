//! Paging: the actions whose requests take `Offset`/`Limit` and whose
//! answers hold a page of items and the total, walked page by page or item
//! by item. The generated code says, per action, where those members are
//! ([`Paginated`]); this module does the walking, once for every action.
//!
//! A walk ends on an empty page or when the items seen reach the total the
//! answer reports, never on a short page alone (a service may cap the page
//! size below what was asked). It is bounded: after
//! [`max_pages`](Paginator::max_pages) pages that still promise more, it
//! ends with [`ErrorKind::Pagination`], so a service whose pages never end
//! cannot keep a program looping. Each page is a normal call: retries,
//! timeouts and the rate limit apply to it as to any other.

use std::collections::VecDeque;
use std::fmt;

use serde_json::{Map, Value};

use crate::error::PaginationError;
use crate::operation::{Operation, OperationInfo, PageInfo};
use crate::{Client, ErrorKind, ErrorMetadata, SdkError};

/// Pages fetched before a walk gives up, unless set otherwise: 1,000 pages
/// of 20 items (the usual default size) are 20,000 items.
pub const DEFAULT_MAX_PAGES: u32 = 1_000;

/// An action whose answers come in pages. Implemented by the generated
/// code for each action the spec marks paginated.
pub trait Paginated: Operation {
    /// One item of a page.
    type Item: Send;
    /// The page size asked for when the caller sets none.
    const DEFAULT_PAGE_SIZE: u64;
    /// `input` asking for at most `limit` items from `offset` on.
    fn with_page(input: &Self::Input, offset: u64, limit: u64) -> Self::Input;
    /// Where `input` starts (0 when it names no offset).
    fn offset(input: &Self::Input) -> u64;
    /// The page size `input` asks for, if it names one.
    fn limit(input: &Self::Input) -> Option<u64>;
    /// How many items the page holds.
    fn item_count(output: &Self::Output) -> usize;
    /// The page's items, taken out of the answer.
    fn take_items(output: &mut Self::Output) -> Vec<Self::Item>;
    /// The total the answer reports, if it reports one.
    fn total(output: &Self::Output) -> Option<u64>;
}

/// A request's offset or page size, or an answer's total, as generated
/// code holds it (`i64`, `u64`, or either in an `Option`): the one place
/// that converts them, so each action's code stays a line per member.
#[doc(hidden)]
pub trait PageNumber: Sized {
    /// The value as a count: `None` when absent or negative.
    fn to_u64(self) -> Option<u64>;
    /// `n` as this type (saturating).
    fn from_u64(n: u64) -> Self;
}

impl PageNumber for i64 {
    fn to_u64(self) -> Option<u64> {
        u64::try_from(self).ok()
    }
    fn from_u64(n: u64) -> Self {
        i64::try_from(n).unwrap_or(i64::MAX)
    }
}

impl PageNumber for u64 {
    fn to_u64(self) -> Option<u64> {
        Some(self)
    }
    fn from_u64(n: u64) -> Self {
        n
    }
}

impl<T: PageNumber> PageNumber for Option<T> {
    fn to_u64(self) -> Option<u64> {
        self.and_then(T::to_u64)
    }
    fn from_u64(n: u64) -> Self {
        Some(T::from_u64(n))
    }
}

/// A walk over an action's pages, not yet started: made by a generated
/// request's `into_paginator()`.
pub struct Paginator<O: Paginated> {
    client: Client,
    input: O::Input,
    page_size: u64,
    max_pages: u32,
}

impl<O: Paginated> Paginator<O> {
    /// A walk of `input`'s pages from its offset, with its page size (or
    /// the action's default).
    pub fn new(client: Client, input: O::Input) -> Self {
        let page_size = O::limit(&input)
            .filter(|&l| l > 0)
            .unwrap_or(O::DEFAULT_PAGE_SIZE);
        Paginator {
            client,
            input,
            page_size,
            max_pages: DEFAULT_MAX_PAGES,
        }
    }

    /// Items asked for per page (at least 1).
    pub fn page_size(mut self, size: u64) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// Pages fetched before the walk ends with
    /// [`ErrorKind::Pagination`] if they still promise more (at least 1;
    /// default [`DEFAULT_MAX_PAGES`]).
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.max_pages = pages.max(1);
        self
    }

    /// The answers, one per page.
    pub fn pages(self) -> Pages<O> {
        Pages {
            walk: Walk::new(O::offset(&self.input), self.max_pages),
            paginator: self,
        }
    }

    /// The items of every page, in order.
    pub fn items(self) -> Items<O> {
        Items {
            pages: self.pages(),
            buffered: VecDeque::new(),
        }
    }
}

/// Where a walk is, and when it ends: the one rule for typed and JSON walks.
#[derive(Debug)]
struct Walk {
    offset: u64,
    max_pages: u32,
    fetched: u32,
    items: u64,
    done: bool,
}

impl Walk {
    fn new(offset: u64, max_pages: u32) -> Self {
        Walk {
            offset,
            max_pages,
            fetched: 0,
            items: 0,
            done: false,
        }
    }

    /// The next page's offset; `None` once the walk has ended; the bound's
    /// error (once) when the pages still promise more.
    fn next_offset(&mut self, action: &'static str) -> Option<Result<u64, PaginationError>> {
        if self.done {
            return None;
        }
        if self.fetched >= self.max_pages {
            self.done = true;
            return Some(Err(PaginationError::new(action, self.fetched, self.items)));
        }
        Some(Ok(self.offset))
    }

    /// A page of `count` items arrived, reporting `total`. Ends on an empty
    /// page or at the total; a short page alone is not the end (the service
    /// may cap the size below what was asked).
    fn arrived(&mut self, count: u64, total: Option<u64>) {
        self.fetched += 1;
        self.items += count;
        self.offset += count;
        if count == 0 || total.is_some_and(|t| self.offset >= t) {
            self.done = true;
        }
    }
}

/// The pages of a walk: `while let Some(page) = pages.next().await`.
pub struct Pages<O: Paginated> {
    paginator: Paginator<O>,
    walk: Walk,
}

impl<O: Paginated> Pages<O> {
    /// The next page's answer; `None` once the walk has ended. After an
    /// error (the call's, or [`ErrorKind::Pagination`] at the bound) the
    /// walk ends.
    pub async fn next(&mut self) -> Option<Result<O::Output, SdkError<O::Error>>> {
        let offset = match self.walk.next_offset(O::ACTION)? {
            Ok(offset) => offset,
            Err(e) => return Some(Err(SdkError::from(ErrorKind::Pagination(e)))),
        };
        let input = O::with_page(&self.paginator.input, offset, self.paginator.page_size);
        match self.paginator.client.call::<O>(&input).await {
            Ok(page) => {
                self.walk
                    .arrived(O::item_count(&page) as u64, O::total(&page));
                Some(Ok(page))
            }
            Err(e) => {
                self.walk.done = true;
                Some(Err(e))
            }
        }
    }

    /// Every remaining page, or the first error.
    pub async fn collect(mut self) -> Result<Vec<O::Output>, SdkError<O::Error>> {
        let mut pages = Vec::new();
        while let Some(page) = self.next().await {
            pages.push(page?);
        }
        Ok(pages)
    }
}

/// The items of a walk: `while let Some(item) = items.next().await`.
pub struct Items<O: Paginated> {
    pages: Pages<O>,
    buffered: VecDeque<O::Item>,
}

impl<O: Paginated> Items<O> {
    /// The next item; `None` once the walk has ended. An error ends it.
    pub async fn next(&mut self) -> Option<Result<O::Item, SdkError<O::Error>>> {
        loop {
            if let Some(item) = self.buffered.pop_front() {
                return Some(Ok(item));
            }
            match self.pages.next().await? {
                Ok(mut page) => self.buffered.extend(O::take_items(&mut page)),
                Err(e) => return Some(Err(e)),
            }
        }
    }

    /// Every remaining item, or the first error.
    pub async fn collect(mut self) -> Result<Vec<O::Item>, SdkError<O::Error>> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }
}

/// The pages of any paginated action as JSON (`Response` objects), for
/// tools that take actions as data: a command line's `--all-pages`. The
/// same walk as [`Pages`], through [`Client::call_json`].
pub struct JsonPages {
    client: Client,
    action: &'static OperationInfo,
    page: PageInfo,
    params: Map<String, Value>,
    page_size: u64,
    walk: Walk,
}

impl JsonPages {
    /// A walk of `action`'s pages from `params`' offset, with its page size
    /// (or the action's default); `None` when the action is not paginated.
    pub fn new(
        client: Client,
        action: &'static OperationInfo,
        params: Map<String, Value>,
    ) -> Option<Self> {
        let page = action.paginated?;
        let number = |key: &str| params.get(key).and_then(Value::as_u64);
        let page_size = number(page.limit)
            .filter(|&l| l > 0)
            .unwrap_or(page.default_page_size);
        Some(JsonPages {
            walk: Walk::new(number(page.offset).unwrap_or(0), DEFAULT_MAX_PAGES),
            client,
            action,
            page,
            params,
            page_size,
        })
    }

    /// As [`Paginator::max_pages`].
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.walk.max_pages = pages.max(1);
        self
    }

    /// The next page's `Response` object; `None` once the walk has ended.
    pub async fn next(&mut self) -> Option<Result<Value, SdkError<ErrorMetadata>>> {
        let offset = match self.walk.next_offset(self.action.action)? {
            Ok(offset) => offset,
            Err(e) => return Some(Err(SdkError::from(ErrorKind::Pagination(e)))),
        };
        let mut params = self.params.clone();
        params.insert(self.page.offset.to_owned(), Value::from(offset));
        params.insert(self.page.limit.to_owned(), Value::from(self.page_size));
        let result = self
            .client
            .call_json(self.action.action, &Value::Object(params))
            .await;
        match result {
            Ok(page) => {
                let count = self.items(&page).len() as u64;
                let total = self
                    .page
                    .total
                    .and_then(|t| at(&page, t))
                    .and_then(Value::as_u64);
                self.walk.arrived(count, total);
                Some(Ok(page))
            }
            Err(e) => {
                self.walk.done = true;
                Some(Err(e))
            }
        }
    }

    /// The items of `page` (one of this walk's answers).
    pub fn items<'p>(&self, page: &'p Value) -> &'p [Value] {
        at(page, self.page.items)
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }
}

/// The value at a path of members (`Data.DataList`).
fn at<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(v, |v, key| v.get(key))
}

// By hand: the input may hold values a caller would not print (and need
// not implement `Debug`); the walk's position is what a log needs.
impl<O: Paginated> fmt::Debug for Paginator<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("action", &O::ACTION)
            .field("page_size", &self.page_size)
            .field("max_pages", &self.max_pages)
            .finish_non_exhaustive()
    }
}

impl<O: Paginated> fmt::Debug for Pages<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("paginator", &self.paginator)
            .field("walk", &self.walk)
            .finish()
    }
}

impl<O: Paginated> fmt::Debug for Items<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffered.len())
            .finish()
    }
}

impl fmt::Debug for JsonPages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonPages")
            .field("action", &self.action.action)
            .field("page_size", &self.page_size)
            .field("walk", &self.walk)
            .finish_non_exhaustive()
    }
}
