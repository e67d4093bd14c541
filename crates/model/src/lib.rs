#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod architecture;
mod date;
mod edition;
mod edition_type;
mod error_body;
mod extra;
mod fast_decode;
mod image;
mod key;
mod null;
mod object;
mod odata;
mod opt_str;
mod page;
mod patch;
pub mod schema;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;
mod update;
mod wire_enum;

pub use architecture::Architecture;
pub use date::{DateError, format_graph_date, parse_graph_date};
pub use edition::Edition;
pub use edition_type::EditionType;
pub use error_body::{ErrorDetail, GraphErrorBody, GraphErrorInfo, InnerError};
pub use extra::Extra;
pub use fast_decode::FastDecode;
pub use image::OsImage;
pub use odata::{EDITION_ODATA_TYPE, IMAGE_ODATA_TYPE, UPDATE_ODATA_TYPE, odata_type_matches};
pub use page::Page;
pub use patch::{OsImagePatch, Patch};
pub use update::OsUpdate;
