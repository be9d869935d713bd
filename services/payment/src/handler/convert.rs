//! Conversions between the contract's messages and domain values. Requests are destructured
//! field by field, so a field added to the contract does not compile until it is handled.

use circle_core::text::field;
use circle_core::wire;
use circle_proto::payment::v1 as proto;
use tonic::Status;
use uuid::Uuid;

use crate::domain::{CurrencyCode, Customer, CustomerId};

/// A validated CreateCustomer request.
pub struct CreateCustomer {
    pub currency: CurrencyCode,
    pub request_id: Uuid,
}

impl CreateCustomer {
    /// The request as its fingerprint sees it: the validated values, without the request id.
    pub fn canonical(&self) -> proto::CreateCustomerRequest {
        proto::CreateCustomerRequest {
            currency_code: self.currency.as_str().to_owned(),
            request_id: String::new(),
        }
    }
}

impl TryFrom<proto::CreateCustomerRequest> for CreateCustomer {
    type Error = Status;

    fn try_from(request: proto::CreateCustomerRequest) -> Result<Self, Status> {
        let proto::CreateCustomerRequest {
            currency_code,
            request_id,
        } = request;
        Ok(CreateCustomer {
            currency: field("currency_code", CurrencyCode::parse(&currency_code))?,
            request_id: wire::uuid("request_id", &request_id)?,
        })
    }
}

pub fn customer_id(value: &str) -> Result<CustomerId, Status> {
    wire::uuid("customer_id", value).map(CustomerId)
}

impl From<Customer> for proto::Customer {
    fn from(customer: Customer) -> Self {
        let Customer {
            id,
            user_id,
            currency_code,
            created_at,
        } = customer;
        proto::Customer {
            id: id.to_string(),
            user_id: user_id.to_string(),
            currency_code,
            create_time: Some(wire::timestamp(created_at)),
        }
    }
}
