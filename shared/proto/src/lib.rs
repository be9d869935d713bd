//! Messages, clients and servers generated from the contracts in proto/.

/// Encoded `FileDescriptorSet` of every contract, served by reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/circle_descriptor.bin"));

pub mod common {
    pub mod v1 {
        tonic::include_proto!("circle.common.v1");
    }
}

pub mod user {
    pub mod v1 {
        tonic::include_proto!("circle.user.v1");
    }
}

pub mod tribe {
    pub mod v1 {
        tonic::include_proto!("circle.tribe.v1");
    }
}

pub mod event {
    pub mod v1 {
        tonic::include_proto!("circle.event.v1");
    }
}

pub mod payment {
    pub mod v1 {
        tonic::include_proto!("circle.payment.v1");
    }
}

pub mod notification {
    pub mod v1 {
        tonic::include_proto!("circle.notification.v1");
    }
}

pub mod edge {
    pub mod v1 {
        tonic::include_proto!("circle.edge.v1");
    }
}
