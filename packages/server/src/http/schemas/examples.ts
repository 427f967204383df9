/** Values shared by the response examples, so the documented resources refer to each other. */
export const EXAMPLE = {
  tenantId: '6f1c0a52-3b8e-4a4e-9d0b-0c5f1e2a7b10',
  userId: '2b7d4e1a-9c3f-4e8b-a1d2-5f6e7c8b9a01',
  otherUserId: '8e2a6c4d-1f7b-4d3a-b9e5-0a1c2d3e4f50',
  keyId: '0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a',
  conversationId: '4a3b2c1d-0e9f-4a8b-9c7d-6e5f4a3b2c1d',
  messageId: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
  memoryId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  secretId: '7c6b5a49-3827-4165-9f4e-3d2c1b0a9f8e',
  createdAt: '2026-11-28T09:30:00.000Z',
  updatedAt: '2026-11-30T17:05:12.000Z',
} as const;
