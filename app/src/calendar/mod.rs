//! The holiday calendar: China's statutory public holidays and make-up working days
//! (调休), which staff maintain. Opening hours (`PH`) and booking both read it.
pub mod model;
pub mod store;
