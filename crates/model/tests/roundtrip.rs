//! Property test: any image the types can hold (generated from the schema tables by `test_util`) survives
//! typed -> JSON -> typed unchanged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_model::test_util::image;
use intune_osimages_model::{OsImage, Page};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_image_round_trips_through_text(image in image()) {
        let text = serde_json::to_string(&image).unwrap();
        let back: OsImage = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back, &image);
        // And writing it again gives the same bytes: nothing is reordered or reformatted.
        prop_assert_eq!(serde_json::to_string(&back).unwrap(), text);
    }

    #[test]
    fn any_image_round_trips_through_value(image in image()) {
        let value = serde_json::to_value(&image).unwrap();
        let back: OsImage = serde_json::from_value(value).unwrap();
        prop_assert_eq!(back, image);
    }

    #[test]
    fn any_page_round_trips(
        images in prop::collection::vec(image(), 0..3),
        next in prop::option::of(any::<String>()),
        count in prop::option::of(any::<i64>()),
    ) {
        let mut page = Page::new(images);
        page.next_link = next;
        page.count = count;
        let back: Page<OsImage> = serde_json::from_str(&serde_json::to_string(&page).unwrap()).unwrap();
        prop_assert_eq!(back, page);
    }
}
