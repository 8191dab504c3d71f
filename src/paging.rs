//! Turns page-at-a-time endpoints into iterators over items.

use std::collections::VecDeque;

use crate::error::Result;

/// Yields the items of successive pages. `fetch` returns the next page, or
/// `None` when the previous one was the last; after an error the iterator
/// yields that error once and ends, so a caller's `?` or `collect` stops there.
pub(crate) struct Paged<T, F> {
    fetch: F,
    buffer: VecDeque<T>,
    done: bool,
}

impl<T, F> Paged<T, F>
where
    F: FnMut() -> Result<Option<Vec<T>>>,
{
    pub(crate) fn new(fetch: F) -> Self {
        Paged {
            fetch,
            buffer: VecDeque::new(),
            done: false,
        }
    }
}

impl<T, F> Iterator for Paged<T, F>
where
    F: FnMut() -> Result<Option<Vec<T>>>,
{
    type Item = Result<T>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Some(Ok(item));
            }
            if self.done {
                return None;
            }
            match (self.fetch)() {
                Ok(Some(page)) => self.buffer.extend(page),
                Ok(None) => self.done = true,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn yields_every_page_then_stops() {
        let mut pages = vec![Some(vec![1, 2]), Some(vec![]), Some(vec![3]), None].into_iter();
        let items: Vec<_> = Paged::new(|| Ok(pages.next().flatten()))
            .collect::<Result<_>>()
            .unwrap();
        // Stopping on an empty page is the cursor's call (in `fetch`), not the iterator's.
        assert_eq!(items, vec![1, 2, 3]);
    }

    #[test]
    fn an_error_ends_the_iteration() {
        let mut calls = 0;
        let mut it = Paged::new(|| {
            calls += 1;
            if calls == 1 {
                Ok(Some(vec![1]))
            } else {
                Err(Error::invalid("x", "boom"))
            }
        });
        assert_eq!(it.next().unwrap().unwrap(), 1);
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
    }
}
